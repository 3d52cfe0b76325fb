package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Arrays;
import java.util.Locale;

/**
 * The rows of a matrix inside a bounding box of spherical coordinates: every row of W projected on
 * a PC basis (NORTH, MERIDIAN, EQUINOX, signed 1-based PC indices of a {@link ReferenceFrame}) and
 * those whose latitude, longitude and radius fall inside the box. The notebooks' first step (1.4a,
 * 1.4b) before the pairwise distances, density field, clusters and frame of the box's tokens.
 *
 * @since 0.1
 */
public final class BoxSelection {
  private final SphericalCoordinates coordinates;
  private final BoundingBox box;
  private final int[] positions;
  private final EmbeddingMatrix rows;

  private BoxSelection(
      SphericalCoordinates c, BoundingBox box, int[] positions, EmbeddingMatrix r) {
    this.coordinates = c;
    this.box = box;
    this.positions = positions;
    this.rows = r;
  }

  /**
   * Projects every row of {@code w} on the basis and keeps those inside {@code box}.
   *
   * @param w the embedding matrix
   * @param frame its reference frame (centroid and PCA basis)
   * @param north signed 1-based PC index of the NORTH axis; negative flips it
   * @param meridian signed 1-based PC index of the MERIDIAN axis
   * @param equinox signed 1-based PC index of the EQUINOX axis
   * @param box the box in spherical coordinates
   * @return the rows inside the box with their coordinates
   * @throws IllegalArgumentException if a PC index is 0 or beyond d, or the box holds fewer than 2
   *     rows (the message gives the span of the data)
   */
  public static BoxSelection of(
      EmbeddingMatrix w,
      ReferenceFrame frame,
      int north,
      int meridian,
      int equinox,
      BoundingBox box) {
    int d = w.dim();
    for (int pc : new int[] {north, meridian, equinox}) {
      if (pc == 0 || Math.abs(pc) > d) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "PC index %d is out of range: the model has d = %d PCs (use 1..%d, negative to flip)",
                pc,
                d,
                d));
      }
    }
    SphericalCoordinates c = SphericalCoordinates.of(w, frame, north, meridian, equinox);
    int[] ids = box.select(c);
    if (ids.length < 2) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "box %s selects %d row%s, need at least 2 (the data span lat %.1f..%.1f, lon"
                  + " %.1f..%.1f, r %.4g..%.4g)",
              text(box),
              ids.length,
              ids.length == 1 ? "" : "s",
              min(c.latDeg()),
              max(c.latDeg()),
              min(c.lonDeg()),
              max(c.lonDeg()),
              min(c.r()),
              max(c.r())));
    }
    int[] positions = Arrays.stream(ids).map(w::rowOf).toArray();
    return new BoxSelection(c, box, positions, w.select(ids).compact());
  }

  /**
   * The coordinates of every row of W (not only the selected ones).
   *
   * @return the coordinates of all rows
   */
  public SphericalCoordinates coordinates() {
    return coordinates;
  }

  /**
   * The box.
   *
   * @return the box
   */
  public BoundingBox box() {
    return box;
  }

  /**
   * The selected rows, ids ascending, as a compact copy.
   *
   * @return the selected rows
   */
  public EmbeddingMatrix rows() {
    return rows;
  }

  /**
   * Latitude in degrees of each selected row, in the order of {@link #rows()}.
   *
   * @return a new array of latitudes
   */
  public double[] latDeg() {
    return pick(coordinates.latDeg());
  }

  /**
   * Longitude in degrees of each selected row.
   *
   * @return a new array of longitudes
   */
  public double[] lonDeg() {
    return pick(coordinates.lonDeg());
  }

  /**
   * Radius (PC units) of each selected row.
   *
   * @return a new array of radii
   */
  public double[] r() {
    return pick(coordinates.r());
  }

  private double[] pick(double[] all) {
    return Arrays.stream(positions).mapToDouble(p -> all[p]).toArray();
  }

  /**
   * The box as six comma-separated numbers: lat, lon and r ranges (the form the command line's
   * {@code --box} takes; integers without a decimal point).
   *
   * @param b the box
   * @return its text
   */
  public static String text(BoundingBox b) {
    return String.join(
        ",",
        num(b.latMin()),
        num(b.latMax()),
        num(b.lonMin()),
        num(b.lonMax()),
        num(b.rMin()),
        num(b.rMax()));
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }

  private static double min(double[] a) {
    return Arrays.stream(a).min().orElse(Double.NaN);
  }

  private static double max(double[] a) {
    return Arrays.stream(a).max().orElse(Double.NaN);
  }
}
