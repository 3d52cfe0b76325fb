package io.github.embeddinggeometry.internal.kernel;

/**
 * {@link Level2} in plain Java. Four rows share each load of x and y, and the dot products use two
 * accumulators per row, so the loop is bound by multiply-add throughput rather than latency.
 */
final class ScalarLevel2 extends Level2 {
  static final ScalarLevel2 INSTANCE = new ScalarLevel2();

  private ScalarLevel2() {}

  @Override
  protected void rectangle4(double[] a, int lda, int r, int end, double[] x, double[] y, int yOff) {
    int o0 = r * lda;
    int o1 = o0 + lda;
    int o2 = o1 + lda;
    int o3 = o2 + lda;
    double x0 = x[r];
    double x1 = x[r + 1];
    double x2 = x[r + 2];
    double x3 = x[r + 3];
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double t0 = 0;
    double t1 = 0;
    double t2 = 0;
    double t3 = 0;
    int q = r + 4;
    for (; q + 2 <= end; q += 2) {
      double xq = x[q];
      double xp = x[q + 1];
      double b0 = a[o0 + q];
      double b1 = a[o1 + q];
      double b2 = a[o2 + q];
      double b3 = a[o3 + q];
      double c0 = a[o0 + q + 1];
      double c1 = a[o1 + q + 1];
      double c2 = a[o2 + q + 1];
      double c3 = a[o3 + q + 1];
      s0 += b0 * xq;
      s1 += b1 * xq;
      s2 += b2 * xq;
      s3 += b3 * xq;
      t0 += c0 * xp;
      t1 += c1 * xp;
      t2 += c2 * xp;
      t3 += c3 * xp;
      y[yOff + q] += x0 * b0 + x1 * b1 + x2 * b2 + x3 * b3;
      y[yOff + q + 1] += x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3;
    }
    for (; q < end; q++) {
      double xq = x[q];
      double b0 = a[o0 + q];
      double b1 = a[o1 + q];
      double b2 = a[o2 + q];
      double b3 = a[o3 + q];
      s0 += b0 * xq;
      s1 += b1 * xq;
      s2 += b2 * xq;
      s3 += b3 * xq;
      y[yOff + q] += x0 * b0 + x1 * b1 + x2 * b2 + x3 * b3;
    }
    y[yOff + r] += s0 + t0;
    y[yOff + r + 1] += s1 + t1;
    y[yOff + r + 2] += s2 + t2;
    y[yOff + r + 3] += s3 + t3;
  }

  @Override
  public double dot(double[] x, int xo, double[] y, int yo, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      s0 += x[xo + i] * y[yo + i];
      s1 += x[xo + i + 1] * y[yo + i + 1];
      s2 += x[xo + i + 2] * y[yo + i + 2];
      s3 += x[xo + i + 3] * y[yo + i + 3];
    }
    for (; i < len; i++) {
      s0 += x[xo + i] * y[yo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void axpyRows(
      double[] m, int mo, int ldm, double[] coef, int rows, double[] y, int yo, int len) {
    for (int q = 0; q < len; q++) {
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
    out[0] = 0;
    out[1] = 0;
    addSecularTerms(zz, delta, dOff, tau, from, to, out);
  }
}
