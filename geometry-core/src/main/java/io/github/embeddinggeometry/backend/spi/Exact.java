package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.internal.RowLoops;
import java.util.Arrays;

/**
 * The exact (refinement) formulas of the exactness contract, shared by every backend so that CPU
 * and GPU refine identically.
 *
 * @since 0.1
 */
public final class Exact {
  private Exact() {}

  /**
   * The float64 sums, in one fixed order (eight stripes, see {@code internal.RowLoops}) that the
   * plain-Java and every Vector API width reproduce bit for bit.
   */
  private static final RowLoops L2 = RowLoops.get();

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
    return L2.squaredDistance(x, xo, y, yo, d);
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
    double[] s = new double[3];
    L2.cosineSums(x, xo, y, yo, d, s);
    double dot = s[0];
    double nx = s[1];
    double ny = s[2];
    if (nx == 0 || ny == 0) {
      return 1f;
    }
    // Arrays.equals compares floatToIntBits: bitwise equality for the finite rows met here.
    if (Arrays.equals(x, xo, xo + d, y, yo, yo + d)) {
      return 0f;
    }
    double sim = dot / (Math.sqrt(nx) * Math.sqrt(ny));
    sim = Math.min(1.0, Math.max(-1.0, sim));
    return (float) (1.0 - sim);
  }
}
