package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.internal.RowLoops;

/**
 * The memory-bound float64 loops of the eigensolver: the symmetric matrix-vector product of the
 * Householder reduction (half of its flops, all of its memory traffic) and dot products. Plain Java
 * cannot vectorise them (a floating-point reduction may not be reordered), so the Vector API
 * version {@code internal.simd.VectorLevel2} is used whenever the tile kernel is the Vector API
 * one; {@link ScalarLevel2} otherwise ({@link SimdProvider#level2}). Public only so that the Vector
 * API class, compiled apart with the incubator module, can extend it.
 *
 * <p>Each method's summation order depends only on its arguments, never on timing.
 */
public abstract class Level2 extends RowLoops {
  /** For subclasses only. */
  protected Level2() {}

  /**
   * Rows {@code [r0, r1)} of a symmetric matrix whose upper triangle is in row-major {@code a} (row
   * stride {@code lda}), columns below {@code end}: for each row r, {@code y[yOff + r] += sum_{r <=
   * q < end} a[r][q] x[q]} and {@code y[yOff + q] += a[r][q] x[r]} for {@code r < q < end}.
   */
  public final void symvUpper(
      double[] a, int lda, int end, double[] x, double[] y, int yOff, int r0, int r1) {
    int r = r0;
    for (; r + 4 <= r1; r += 4) {
      diagonalBlock4(a, lda, r, x, y, yOff);
      rectangle4(a, lda, r, end, x, y, yOff);
    }
    for (; r < r1; r++) {
      int o = r * lda;
      y[yOff + r] += a[o + r] * x[r] + rowPart(a, o, x[r], r + 1, end, x, y, yOff);
    }
  }

  /**
   * Columns {@code [q0, end)} of the matrix row at {@code a[o]} whose vector entry is {@code xr}:
   * adds {@code a[o + q] xr} to {@code y[yOff + q]} and returns {@code sum a[o + q] x[q]}.
   */
  protected static double rowPart(
      double[] a, int o, double xr, int q0, int end, double[] x, double[] y, int yOff) {
    double s = 0;
    for (int q = q0; q < end; q++) {
      double b = a[o + q];
      s += b * x[q];
      y[yOff + q] += xr * b;
    }
    return s;
  }

  /**
   * The part of {@link #symvUpper} of rows {@code [r, r + 4)} right of their diagonal block,
   * columns {@code [r + 4, end)}: {@code y[yOff + r + i] += sum_q a[r+i][q] x[q]} and {@code y[yOff
   * + q] += sum_i a[r+i][q] x[r+i]}.
   */
  protected abstract void rectangle4(
      double[] a, int lda, int r, int end, double[] x, double[] y, int yOff);

  /**
   * The secular sums over {@code i in [from, to)}: {@code out[0] = sum zz[i] / (delta[dOff + i] -
   * tau)} and {@code out[1] = sum zz[i] / (delta[dOff + i] - tau)^2}.
   */
  public abstract void secularSums(
      double[] zz, double[] delta, int dOff, double tau, int from, int to, double[] out);

  /** Adds the terms {@code i in [from, to)} of {@link #secularSums} to {@code out}, one by one. */
  protected static void addSecularTerms(
      double[] zz, double[] delta, int dOff, double tau, int from, int to, double[] out) {
    double s = out[0];
    double ds = out[1];
    for (int i = from; i < to; i++) {
      double t = 1 / (delta[dOff + i] - tau);
      double u = zz[i] * t;
      s += u;
      ds += u * t;
    }
    out[0] = s;
    out[1] = ds;
  }

  /** {@code sum_{i < len} x[xo + i] * y[yo + i]}. */
  public abstract double dot(double[] x, int xo, double[] y, int yo, int len);

  /**
   * {@code y[yo + q] += sum_{p < rows} coef[p] * m[mo + p * ldm + q]} for {@code q < len}, the
   * terms added to each y in ascending p.
   */
  public abstract void axpyRows(
      double[] m, int mo, int ldm, double[] coef, int rows, double[] y, int yo, int len);

  /**
   * The 4 x 4 diagonal block of rows {@code [r, r + 4)}: {@code y[yOff + r + i] += sum_{j < 4}
   * A[r+i][r+j] x[r+j]}, reading only the upper triangle.
   */
  private static void diagonalBlock4(double[] a, int lda, int r, double[] x, double[] y, int yOff) {
    for (int i = 0; i < 4; i++) {
      double s = 0;
      for (int j = 0; j < 4; j++) {
        // Below the diagonal, read the mirror entry of the upper triangle.
        s += (j >= i ? a[(r + i) * lda + r + j] : a[(r + j) * lda + r + i]) * x[r + j];
      }
      y[yOff + r + i] += s;
    }
  }
}
