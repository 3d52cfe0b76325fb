package io.github.embeddinggeometry.internal.simd;

import io.github.embeddinggeometry.internal.kernel.Level2;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The eigensolver's level-2 loops ({@link Level2}) on the JDK Vector API. Four matrix rows share
 * each vector load of x and y; their dot products accumulate lane-wise and are reduced once per
 * row. Handed out by {@code SimdProvider}, only with the Vector API tile kernel.
 */
public final class VectorLevel2 extends Level2 {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /**
   * Floats that widen to one vector of doubles: as many lanes, so that the conversion is one
   * instruction (a conversion between species of different lane counts is not an intrinsic on JDK
   * 17).
   */
  private static final VectorSpecies<Float> HALF =
      VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2));

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

  // The refinement sums keep Level2's order: lane l of a vector of 8 doubles is stripe l; with 4
  // lanes, two vectors hold stripes 0-3 and 4-7. Other widths take the plain-Java loop. Each
  // difference and product is formed in float64 (exact) and added on its own: no fused
  // multiply-add, whose single rounding would change the bits.

  @Override
  public double squaredDistance(float[] x, int xo, float[] y, int yo, int d) {
    if (L != STRIPES && L != STRIPES / 2) {
      return super.squaredDistance(x, xo, y, yo, d);
    }
    DoubleVector s0 = DoubleVector.zero(S);
    DoubleVector s1 = s0;
    int d8 = d - d % STRIPES;
    for (int k = 0; k < d8; k += STRIPES) {
      DoubleVector t = widen(x, xo + k).sub(widen(y, yo + k));
      s0 = s0.add(t.mul(t));
      if (L < STRIPES) {
        DoubleVector u = widen(x, xo + k + L).sub(widen(y, yo + k + L));
        s1 = s1.add(u.mul(u));
      }
    }
    double[] s = new double[STRIPES];
    lanes(s0, s1, s, 0);
    return squaredDistanceFrom(x, xo, y, yo, d, d8, s);
  }

  @Override
  public void cosineSums(float[] x, int xo, float[] y, int yo, int d, double[] out) {
    if (L != STRIPES && L != STRIPES / 2) {
      super.cosineSums(x, xo, y, yo, d, out);
      return;
    }
    DoubleVector dot0 = DoubleVector.zero(S);
    DoubleVector dot1 = dot0;
    DoubleVector xx0 = dot0;
    DoubleVector xx1 = dot0;
    DoubleVector yy0 = dot0;
    DoubleVector yy1 = dot0;
    int d8 = d - d % STRIPES;
    for (int k = 0; k < d8; k += STRIPES) {
      DoubleVector p = widen(x, xo + k);
      DoubleVector q = widen(y, yo + k);
      dot0 = dot0.add(p.mul(q));
      xx0 = xx0.add(p.mul(p));
      yy0 = yy0.add(q.mul(q));
      if (L < STRIPES) {
        DoubleVector p1 = widen(x, xo + k + L);
        DoubleVector q1 = widen(y, yo + k + L);
        dot1 = dot1.add(p1.mul(q1));
        xx1 = xx1.add(p1.mul(p1));
        yy1 = yy1.add(q1.mul(q1));
      }
    }
    double[] s = new double[3 * STRIPES];
    lanes(dot0, dot1, s, 0);
    lanes(xx0, xx1, s, STRIPES);
    lanes(yy0, yy1, s, 2 * STRIPES);
    cosineSumsFrom(x, xo, y, yo, d, d8, s, out);
  }

  // The pairwise first pass on vectors of L floats (half a vector), widened to L doubles for the
  // sum: every value in the sum's range is a multiple of its unit and the run's sum stays below
  // 2^53 units, so each lane's double sum is exact.

  @Override
  public int firstPassRun(float[] v, int off, int len, int bin, long[] acc) {
    FloatVector lo = FloatVector.broadcast(HALF, Float.intBitsToFloat(bin << 23));
    FloatVector hi = FloatVector.broadcast(HALF, Float.intBitsToFloat((bin + SUM_BINADES) << 23));
    FloatVector mn = FloatVector.broadcast(HALF, Float.intBitsToFloat((int) acc[MIN]));
    FloatVector mx = FloatVector.broadcast(HALF, Float.intBitsToFloat((int) acc[MAX]));
    FloatVector zero = FloatVector.zero(HALF);
    DoubleVector sum = DoubleVector.zero(S);
    long zeros = 0;
    long positive = 0;
    long inRange = 0;
    int t = off;
    for (int vend = off + len / L * L; t < vend; t += L) {
      // + 0: -0 becomes 0, for min and for the count of zeros
      FloatVector x = FloatVector.fromArray(HALF, v, t).add(zero);
      if (!x.compare(VectorOperators.GE, zero).allTrue()) {
        break; // a negative or NaN value: the plain loop below finds its index
      }
      mn = mn.min(x);
      mx = mx.max(x);
      zeros += x.compare(VectorOperators.EQ, zero).trueCount();
      positive += x.compare(VectorOperators.GT, zero).trueCount();
      VectorMask<Float> in =
          x.compare(VectorOperators.GE, lo).and(x.compare(VectorOperators.LT, hi));
      inRange += in.trueCount();
      FloatVector kept = zero.blend(x, in);
      sum = sum.add((DoubleVector) kept.convertShape(VectorOperators.F2D, S, 0));
    }
    acc[MIN] =
        Math.min((int) acc[MIN], Float.floatToRawIntBits(mn.reduceLanes(VectorOperators.MIN)));
    acc[MAX] =
        Math.max((int) acc[MAX], Float.floatToRawIntBits(mx.reduceLanes(VectorOperators.MAX)));
    acc[ZEROS] += zeros;
    // the lanes' sums, then the total, are integers of units below 2^53: exact in double
    acc[SUM] = (long) Math.scalb(sum(sum), 150 - bin);
    acc[STRAYS] = positive - inRange;
    return firstPassRest(v, t, off + len, bin, acc);
  }

  /** {@code L} floats from {@code a[o]}, widened to doubles. */
  private static DoubleVector widen(float[] a, int o) {
    return (DoubleVector) FloatVector.fromArray(HALF, a, o).convertShape(VectorOperators.F2D, S, 0);
  }

  /**
   * The 8 stripes into {@code s[o ..]}: {@code lo}'s lanes, then {@code hi}'s when a vector holds
   * 4.
   */
  private static void lanes(DoubleVector lo, DoubleVector hi, double[] s, int o) {
    lo.intoArray(s, o);
    if (L < STRIPES) {
      hi.intoArray(s, o + L);
    }
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
