package io.github.embeddinggeometry.internal.simd;

import io.github.embeddinggeometry.internal.kernel.Level2;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The eigensolver's level-2 loops ({@link Level2}) on the JDK Vector API. Four matrix rows share
 * each vector load of x and y; their dot products accumulate lane-wise and are reduced once per
 * row. Handed out by {@code SimdProvider}, only with the Vector API tile kernel.
 */
public final class VectorLevel2 extends Level2 {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final boolean fma;

  /**
   * Made by {@link VectorSimd}.
   *
   * @param fma use fused multiply-add (where the CPU has it; otherwise multiply, then add)
   */
  VectorLevel2(boolean fma) {
    this.fma = fma;
  }

  private DoubleVector madd(DoubleVector a, DoubleVector b, DoubleVector c) {
    return fma ? a.fma(b, c) : a.mul(b).add(c);
  }

  /**
   * The lanes added in lane order. {@code reduceLanes(ADD)} leaves the order of a floating-point
   * sum unspecified, and the JIT's intrinsic and the interpreter do differ: results would change
   * with the JIT's progress.
   */
  private static double sum(DoubleVector v) {
    double s = v.lane(0);
    for (int i = 1; i < L; i++) {
      s += v.lane(i);
    }
    return s;
  }

  @Override
  protected void rectangle4(double[] a, int lda, int r, int end, double[] x, double[] y, int yOff) {
    int row = r * lda;
    DoubleVector bx0 = DoubleVector.broadcast(S, x[r]);
    DoubleVector bx1 = DoubleVector.broadcast(S, x[r + 1]);
    DoubleVector bx2 = DoubleVector.broadcast(S, x[r + 2]);
    DoubleVector bx3 = DoubleVector.broadcast(S, x[r + 3]);
    DoubleVector d0 = DoubleVector.zero(S);
    DoubleVector d1 = d0;
    DoubleVector d2 = d0;
    DoubleVector d3 = d0;
    int q = r + 4;
    // Masked loads would spare the tail loop but are not intrinsics on AVX2 (JDK 17).
    for (int vend = q + (end - q) / L * L; q < vend; q += L) {
      DoubleVector xq = DoubleVector.fromArray(S, x, q);
      DoubleVector b0 = DoubleVector.fromArray(S, a, row + q);
      DoubleVector b1 = DoubleVector.fromArray(S, a, row + lda + q);
      DoubleVector b2 = DoubleVector.fromArray(S, a, row + 2 * lda + q);
      DoubleVector b3 = DoubleVector.fromArray(S, a, row + 3 * lda + q);
      d0 = madd(b0, xq, d0);
      d1 = madd(b1, xq, d1);
      d2 = madd(b2, xq, d2);
      d3 = madd(b3, xq, d3);
      DoubleVector yq = DoubleVector.fromArray(S, y, yOff + q);
      yq = madd(b0, bx0, yq);
      yq = madd(b1, bx1, yq);
      yq = madd(b2, bx2, yq);
      yq = madd(b3, bx3, yq);
      yq.intoArray(y, yOff + q);
    }
    y[yOff + r] += sum(d0) + rowPart(a, row, x[r], q, end, x, y, yOff);
    y[yOff + r + 1] += sum(d1) + rowPart(a, row + lda, x[r + 1], q, end, x, y, yOff);
    y[yOff + r + 2] += sum(d2) + rowPart(a, row + 2 * lda, x[r + 2], q, end, x, y, yOff);
    y[yOff + r + 3] += sum(d3) + rowPart(a, row + 3 * lda, x[r + 3], q, end, x, y, yOff);
  }

  @Override
  public double dot(double[] x, int xo, double[] y, int yo, int len) {
    DoubleVector acc0 = DoubleVector.zero(S);
    DoubleVector acc1 = acc0;
    int i = 0;
    for (; i + 2 * L <= len; i += 2 * L) {
      acc0 = madd(DoubleVector.fromArray(S, x, xo + i), DoubleVector.fromArray(S, y, yo + i), acc0);
      acc1 =
          madd(
              DoubleVector.fromArray(S, x, xo + i + L),
              DoubleVector.fromArray(S, y, yo + i + L),
              acc1);
    }
    double s = sum(acc0.add(acc1));
    for (; i < len; i++) {
      s += x[xo + i] * y[yo + i];
    }
    return s;
  }

  @Override
  public void axpyRows(
      double[] m, int mo, int ldm, double[] coef, int rows, double[] y, int yo, int len) {
    int q = 0;
    int vend = len / L * L;
    for (; q < vend; q += L) {
      DoubleVector acc = DoubleVector.fromArray(S, y, yo + q);
      for (int p = 0; p < rows; p++) {
        acc =
            madd(
                DoubleVector.fromArray(S, m, mo + p * ldm + q),
                DoubleVector.broadcast(S, coef[p]),
                acc);
      }
      acc.intoArray(y, yo + q);
    }
    for (; q < len; q++) {
      double s = y[yo + q];
      for (int p = 0; p < rows; p++) {
        s += coef[p] * m[mo + p * ldm + q];
      }
      y[yo + q] = s;
    }
  }

  @Override
  public void secularSums(
      double[] zz, double[] delta, int dOff, double tau, int from, int to, double[] out) {
    DoubleVector vt = DoubleVector.broadcast(S, tau);
    DoubleVector one = DoubleVector.broadcast(S, 1.0);
    DoubleVector s = DoubleVector.zero(S);
    DoubleVector ds = s;
    int i = from;
    for (int vend = from + (to - from) / L * L; i < vend; i += L) {
      DoubleVector t = one.div(DoubleVector.fromArray(S, delta, dOff + i).sub(vt));
      DoubleVector u = DoubleVector.fromArray(S, zz, i).mul(t);
      s = s.add(u);
      ds = madd(u, t, ds);
    }
    out[0] = sum(s);
    out[1] = sum(ds);
    addSecularTerms(zz, delta, dOff, tau, i, to, out);
  }
}
