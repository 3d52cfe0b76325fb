package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.backend.spi.TileKernel;

/**
 * The plain-Java micro-kernel: 4 x 4 accumulators in local variables, {@code a * b + c} (two
 * roundings, Java's strict semantics, so results do not depend on the JIT).
 */
public final class ScalarTileKernel extends TileKernel {
  /** The one instance. */
  public static final ScalarTileKernel INSTANCE = new ScalarTileKernel();

  private static final int MR = 4;
  private static final int NR = 4;

  private ScalarTileKernel() {}

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public String description() {
    return "scalar Java";
  }

  @Override
  public void micro(
      float[] ap,
      int apOff,
      float[] bp,
      int bpOff,
      int kc,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    if (accumulate) {
      int o = cOff;
      c00 = c[o];
      c01 = c[o + 1];
      c02 = c[o + 2];
      c03 = c[o + 3];
      o += ldc;
      c10 = c[o];
      c11 = c[o + 1];
      c12 = c[o + 2];
      c13 = c[o + 3];
      o += ldc;
      c20 = c[o];
      c21 = c[o + 1];
      c22 = c[o + 2];
      c23 = c[o + 3];
      o += ldc;
      c30 = c[o];
      c31 = c[o + 1];
      c32 = c[o + 2];
      c33 = c[o + 3];
    }
    int end = apOff + kc * MR;
    int b = bpOff;
    for (int a = apOff; a < end; a += MR, b += NR) {
      float b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
      float a0 = ap[a];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      float a1 = ap[a + 1];
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      float a2 = ap[a + 2];
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      float a3 = ap[a + 3];
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
    }
    int o = cOff;
    c[o] = c00;
    c[o + 1] = c01;
    c[o + 2] = c02;
    c[o + 3] = c03;
    o += ldc;
    c[o] = c10;
    c[o + 1] = c11;
    c[o + 2] = c12;
    c[o + 3] = c13;
    o += ldc;
    c[o] = c20;
    c[o + 1] = c21;
    c[o + 2] = c22;
    c[o + 3] = c23;
    o += ldc;
    c[o] = c30;
    c[o + 1] = c31;
    c[o + 2] = c32;
    c[o + 3] = c33;
  }

  @Override
  public int mrDouble() {
    return MR;
  }

  @Override
  public int nrDouble() {
    return NR;
  }

  @Override
  public void microDouble(
      double[] ap, int apOff, double[] bp, int bpOff, int kc, double[] c, int cOff, int ldc) {
    int o = cOff;
    double c00 = c[o], c01 = c[o + 1], c02 = c[o + 2], c03 = c[o + 3];
    o += ldc;
    double c10 = c[o], c11 = c[o + 1], c12 = c[o + 2], c13 = c[o + 3];
    o += ldc;
    double c20 = c[o], c21 = c[o + 1], c22 = c[o + 2], c23 = c[o + 3];
    o += ldc;
    double c30 = c[o], c31 = c[o + 1], c32 = c[o + 2], c33 = c[o + 3];
    int end = apOff + kc * MR;
    int b = bpOff;
    for (int a = apOff; a < end; a += MR, b += NR) {
      double b0 = bp[b], b1 = bp[b + 1], b2 = bp[b + 2], b3 = bp[b + 3];
      double a0 = ap[a];
      c00 += a0 * b0;
      c01 += a0 * b1;
      c02 += a0 * b2;
      c03 += a0 * b3;
      double a1 = ap[a + 1];
      c10 += a1 * b0;
      c11 += a1 * b1;
      c12 += a1 * b2;
      c13 += a1 * b3;
      double a2 = ap[a + 2];
      c20 += a2 * b0;
      c21 += a2 * b1;
      c22 += a2 * b2;
      c23 += a2 * b3;
      double a3 = ap[a + 3];
      c30 += a3 * b0;
      c31 += a3 * b1;
      c32 += a3 * b2;
      c33 += a3 * b3;
    }
    o = cOff;
    c[o] = c00;
    c[o + 1] = c01;
    c[o + 2] = c02;
    c[o + 3] = c03;
    o += ldc;
    c[o] = c10;
    c[o + 1] = c11;
    c[o + 2] = c12;
    c[o + 3] = c13;
    o += ldc;
    c[o] = c20;
    c[o + 1] = c21;
    c[o + 2] = c22;
    c[o + 3] = c23;
    o += ldc;
    c[o] = c30;
    c[o + 1] = c31;
    c[o + 2] = c32;
    c[o + 3] = c33;
  }
}
