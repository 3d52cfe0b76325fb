package io.github.embeddinggeometry.io.internal;

/** All 65,536 binary16 values as float32 (256 KiB), so that f16 decoding is one lookup. */
final class F16Table {
  private F16Table() {}

  static final float[] TABLE = new float[1 << 16];

  static {
    for (int h = 0; h < TABLE.length; h++) {
      TABLE[h] = FloatFormats.f16ToFloat(h);
    }
  }
}
