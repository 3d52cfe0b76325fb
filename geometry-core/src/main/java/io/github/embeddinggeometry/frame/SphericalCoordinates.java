package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.backend.spi.Parallel;
import java.util.Objects;

/**
 * Spherical coordinates of rows in a (NORTH, MERIDIAN, EQUINOX) PC basis (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#spherical-coordinates">spherical
 * coordinates</a>), one entry per row of the input, in row order.
 *
 * <p>With {@code v = w - origin} (the frame's origin; zero for the notebooks' uncentred
 * projection): {@code x = v . meridian}, {@code y = v . equinox}, {@code z = v . north}, {@code r =
 * sqrt(x^2+y^2+z^2)}, {@code lat = asin(clamp(z/r, -1, 1))} and {@code lon = atan2(y, x)}, both in
 * degrees. A row with {@code r = 0} gets {@code lat = lon = 0} (the notebooks produce NaN there).
 * Everything is computed in double from the float32 rows. The arrays are shared, not copied: treat
 * them as read-only.
 *
 * @param ids vocabulary id of each row
 * @param x projection on MERIDIAN
 * @param y projection on EQUINOX
 * @param z projection on NORTH
 * @param r radius
 * @param latDeg latitude in degrees, [-90, 90]
 * @param lonDeg longitude in degrees, (-180, 180]
 * @since 0.1
 */
public record SphericalCoordinates(
    int[] ids, double[] x, double[] y, double[] z, double[] r, double[] latDeg, double[] lonDeg) {

  /**
   * Checks that all arrays have one entry per row. Arrays are not copied.
   *
   * @param ids vocabulary id of each row
   * @param x projection on MERIDIAN
   * @param y projection on EQUINOX
   * @param z projection on NORTH
   * @param r radius
   * @param latDeg latitude in degrees
   * @param lonDeg longitude in degrees
   * @throws IllegalArgumentException if the lengths differ
   */
  public SphericalCoordinates {
    int n = ids.length;
    for (double[] a : new double[][] {x, y, z, r, latDeg, lonDeg}) {
      if (a.length != n) {
        throw new IllegalArgumentException(
            "spherical coordinates need one value per row: "
                + a.length
                + " values for "
                + n
                + " ids");
      }
    }
  }

  /**
   * Projects every row of {@code w}.
   *
   * @param w the rows, d values each. Not modified.
   * @param frame origin and PCs; the basis vectors are its axes
   * @param north signed 1-based PC index of the NORTH axis (notebook default 2); negative flips
   * @param meridian signed PC index of the MERIDIAN axis (default 1)
   * @param equinox signed PC index of the EQUINOX axis (default 3)
   * @return one entry per row of {@code w}, in row order
   * @throws IllegalArgumentException if a PC index is 0 or beyond the frame's PCs, the dimensions
   *     differ, or a row is not finite (named by row, vocabulary id and column)
   */
  public static SphericalCoordinates of(
      EmbeddingMatrix w, ReferenceFrame frame, int north, int meridian, int equinox) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(frame, "frame");
    if (w.dim() != frame.dim()) {
      throw new IllegalArgumentException(
          "rows have d = " + w.dim() + " but the reference frame has d = " + frame.dim());
    }
    int d = w.dim();
    double[] nAxis = frame.axis(north);
    // A NaN row would come out as lat = lon = 0, a valid-looking point.
    Arguments.finiteRows(w, 0, w.rows(), "rows", "a spherical coordinate");
    double[] mAxis = frame.axis(meridian);
    double[] eAxis = frame.axis(equinox);
    float[] origin = frame.origin();
    int n = w.rows();
    double[] x = new double[n];
    double[] y = new double[n];
    double[] z = new double[n];
    double[] r = new double[n];
    double[] lat = new double[n];
    double[] lon = new double[n];
    float[] a = w.backingArray();
    final int chunk = 4096;
    Parallel.run(
        "spherical coordinates",
        (n + chunk - 1) / chunk,
        n,
        () -> null,
        (s, t) -> {
          int to = Math.min(n, (t + 1) * chunk);
          for (int row = t * chunk; row < to; row++) {
            int o = w.rowOffsetInt(row);
            double sx = 0;
            double sy = 0;
            double sz = 0;
            for (int j = 0; j < d; j++) {
              double v = (double) a[o + j] - origin[j];
              sx += v * mAxis[j];
              sy += v * eAxis[j];
              sz += v * nAxis[j];
            }
            double rr = Math.sqrt(sx * sx + sy * sy + sz * sz);
            x[row] = sx;
            y[row] = sy;
            z[row] = sz;
            r[row] = rr;
            if (rr > 0) {
              lat[row] = Math.toDegrees(Math.asin(Math.max(-1, Math.min(1, sz / rr))));
              lon[row] = Math.toDegrees(Math.atan2(sy, sx));
            }
          }
          return to - t * chunk;
        },
        ProgressListener.NONE);
    return new SphericalCoordinates(w.ids(), x, y, z, r, lat, lon);
  }

  /**
   * Number of rows.
   *
   * @return the length of every array
   */
  public int size() {
    return ids.length;
  }
}
