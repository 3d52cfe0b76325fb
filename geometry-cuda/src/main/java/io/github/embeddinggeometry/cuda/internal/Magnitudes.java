package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;

/**
 * Whether rows are in the range the device's float32 products handle without overflow or underflow.
 * The CPU backend works in a power-of-two scaled domain and so takes any finite input; the device
 * kernels do not scale (yet), so rows outside this range are answered by the CPU backend instead:
 * the same exact results, slower, rather than a float32 overflow on the device.
 */
final class Magnitudes {
  /** Largest |entry| so that d |entry|^2 stays far below the float32 maximum (2^128). */
  private static final double MAX = 0x1p50;

  /** Smallest largest-|entry| so that squares stay far above the float32 subnormals (2^-126). */
  private static final double MIN = 0x1p-50;

  private Magnitudes() {}

  /** True when every row of {@code m} is in the device's safe range (a zero matrix is). */
  static boolean safe(EmbeddingMatrix m) {
    float[] data = m.backingArray();
    int d = m.dim();
    float max = 0;
    for (int r = 0; r < m.rows(); r++) {
      int o = m.rowOffsetInt(r);
      for (int c = 0; c < d; c++) {
        max = Math.max(max, Math.abs(data[o + c]));
      }
    }
    return max == 0 || (max * Math.sqrt(d) <= MAX && max >= MIN);
  }
}
