package io.github.embeddinggeometry.frame;

import java.util.Arrays;
import java.util.Objects;

/**
 * A box in spherical coordinates (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#bounding-box">bounding
 * box</a>, notebook 1.4a): {@code latMin <= lat <= latMax}, {@code lonMin <= lon <= lonMax}, {@code
 * rMin <= r <= rMax}, all bounds inclusive, angles in degrees, r in the units of W. A box does not
 * wrap around the +-180 degree meridian.
 *
 * @param latMin smallest latitude, degrees
 * @param latMax largest latitude, degrees
 * @param lonMin smallest longitude, degrees
 * @param lonMax largest longitude, degrees
 * @param rMin smallest radius
 * @param rMax largest radius
 * @since 0.1
 */
public record BoundingBox(
    double latMin, double latMax, double lonMin, double lonMax, double rMin, double rMax) {

  /**
   * Checks the bounds.
   *
   * @param latMin smallest latitude, degrees
   * @param latMax largest latitude, degrees
   * @param lonMin smallest longitude, degrees
   * @param lonMax largest longitude, degrees
   * @param rMin smallest radius
   * @param rMax largest radius
   * @throws IllegalArgumentException for a NaN bound or an empty range (min &gt; max)
   */
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

  /**
   * Whether a point lies inside the box, bounds inclusive.
   *
   * @param latDeg latitude, degrees
   * @param lonDeg longitude, degrees
   * @param r radius
   * @return true inside
   */
  public boolean contains(double latDeg, double lonDeg, double r) {
    return latDeg >= latMin
        && latDeg <= latMax
        && lonDeg >= lonMin
        && lonDeg <= lonMax
        && r >= rMin
        && r <= rMax;
  }

  /**
   * The vocabulary ids of the rows inside the box.
   *
   * @param c spherical coordinates of the rows. Not modified.
   * @return a new array of ids, ascending
   */
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
