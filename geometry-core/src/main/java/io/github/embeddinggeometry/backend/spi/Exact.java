package io.github.embeddinggeometry.backend.spi;

/**
 * The exact (refinement) formulas of the exactness contract, shared by every backend so that CPU
 * and GPU refine identically.
 *
 * @since 0.1
 */
public final class Exact {
  private Exact() {}

  /**
   * {@code sum (x_k - y_k)^2} in float64: exactly 0 for bitwise-equal rows.
   *
   * @param x one row's array. Not modified.
   * @param xo where the row starts in {@code x}
   * @param y the other row's array. Not modified.
   * @param yo where it starts in {@code y}
   * @param d the dimension
   * @return the squared distance
   */
  public static double squaredDistance(float[] x, int xo, float[] y, int yo, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      double t = (double) x[xo + k] - (double) y[yo + k];
      s += t * t;
    }
    return s;
  }

  /**
   * Cosine distance in float64: 1 for a zero row, exactly 0 for bitwise-equal non-zero rows,
   * otherwise {@code 1 - clamp(x.y / (|x| |y|), -1, 1)}.
   *
   * @param x one row's array. Not modified.
   * @param xo where the row starts in {@code x}
   * @param y the other row's array. Not modified.
   * @param yo where it starts in {@code y}
   * @param d the dimension
   * @return the distance in [0, 2]
   */
  public static float cosineDistance(float[] x, int xo, float[] y, int yo, int d) {
    double dot = 0;
    double nx = 0;
    double ny = 0;
    boolean equal = true;
    for (int k = 0; k < d; k++) {
      float p = x[xo + k];
      float q = y[yo + k];
      equal &= Float.floatToRawIntBits(p) == Float.floatToRawIntBits(q);
      dot += (double) p * q;
      nx += (double) p * p;
      ny += (double) q * q;
    }
    if (nx == 0 || ny == 0) {
      return 1f;
    }
    if (equal) {
      return 0f;
    }
    double sim = dot / (Math.sqrt(nx) * Math.sqrt(ny));
    sim = Math.min(1.0, Math.max(-1.0, sim));
    return (float) (1.0 - sim);
  }
}
