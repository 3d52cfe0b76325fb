package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Objects;

/**
 * The exact (refinement) formulas and argument rules of the exactness contract, shared by every
 * backend so that CPU and GPU refine, and reject, identically.
 */
public final class Exact {
  private Exact() {}

  /** {@code sum (x_k - y_k)^2} in float64: exactly 0 for bitwise-equal rows. */
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

  /**
   * Rejects {@code k < 1} and {@code k >= candidates}: k must leave at least one candidate out, so
   * that every neighbour list is a genuine selection (issue 2: "k >= N-1 rejected").
   */
  public static void checkK(int k, int candidates, int baseRows, boolean selfExcluded) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1; got " + k);
    }
    if (k >= candidates) {
      throw new IllegalArgumentException(
          "k = " + k + " is too large: each query has only " + candidates + " candidate"
              + (candidates == 1 ? "" : "s") + " (" + baseRows + " base rows"
              + (selfExcluded ? ", itself excluded" : "") + "); k must be below "
              + Math.max(1, candidates));
    }
  }

  /** Rejects null matrices and differing row dimensions. */
  public static void checkDims(EmbeddingMatrix a, EmbeddingMatrix b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.dim() != b.dim()) {
      throw new IllegalArgumentException(
          "row dimensions differ: " + a.dim() + " vs " + b.dim());
    }
  }

  /**
   * Checks the arguments of {@code DistanceKernel.distances}: dimensions, row ranges, that {@code
   * out} is no input's backing array and holds the block.
   *
   * @return true when the block is empty (nothing to compute)
   */
  public static boolean checkBlock(EmbeddingMatrix a, int aFrom, int aTo, EmbeddingMatrix b,
      int bFrom, int bTo, float[] out, int outOffset, int outStride) {
    Objects.requireNonNull(out, "out");
    checkDims(a, b);
    Objects.checkFromToIndex(aFrom, aTo, a.rows());
    Objects.checkFromToIndex(bFrom, bTo, b.rows());
    if (out == a.backingArray() || out == b.backingArray()) {
      throw new IllegalArgumentException("out must not be the backing array of a or b");
    }
    int m = aTo - aFrom;
    int n = bTo - bFrom;
    if (m == 0 || n == 0) {
      return true;
    }
    if (outOffset < 0 || outStride < n
        || (long) outOffset + (long) (m - 1) * outStride + n > out.length) {
      throw new IllegalArgumentException(
          "out (length " + out.length + ", offset " + outOffset + ", stride " + outStride
              + ") cannot hold " + m + " x " + n + " distances");
    }
    return false;
  }
}
