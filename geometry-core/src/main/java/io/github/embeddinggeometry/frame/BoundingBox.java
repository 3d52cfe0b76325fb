package io.github.embeddinggeometry.frame;

import java.util.Arrays;
import java.util.Objects;

/**
 * A box in spherical coordinates (spec section 3, notebook 1.4a): {@code latMin <= lat <= latMax},
 * {@code lonMin <= lon <= lonMax}, {@code rMin <= r <= rMax}, all bounds inclusive, angles in
 * degrees. A box does not wrap around the +-180 degree meridian.
 *
 * @since 0.1
 */
public record BoundingBox(
    double latMin, double latMax, double lonMin, double lonMax, double rMin, double rMax) {

  /** Rejects NaN bounds and empty ranges (min &gt; max). */
  public BoundingBox {
    check("lat", latMin, latMax);
    check("lon", lonMin, lonMax);
    check("r", rMin, rMax);
  }

  private static void check(String name, double min, double max) {
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException(
          "bounding box needs " + name + "Min <= " + name + "Max; got " + min + " .. " + max);
    }
  }

  /** True when the point lies inside the box (bounds inclusive). */
  public boolean contains(double latDeg, double lonDeg, double r) {
    return latDeg >= latMin
        && latDeg <= latMax
        && lonDeg >= lonMin
        && lonDeg <= lonMax
        && r >= rMin
        && r <= rMax;
  }

  /** The vocabulary ids of the rows inside the box, ascending. */
  public int[] select(SphericalCoordinates c) {
    Objects.requireNonNull(c, "coordinates");
    int[] out = new int[c.size()];
    int m = 0;
    for (int i = 0; i < c.size(); i++) {
      if (contains(c.latDeg()[i], c.lonDeg()[i], c.r()[i])) {
        out[m++] = c.ids()[i];
      }
    }
    int[] ids = Arrays.copyOf(out, m);
    Arrays.sort(ids);
    return ids;
  }
}
