package io.github.embeddinggeometry.io.internal;

/**
 * Conversions between float32 and the narrow float formats. Widening is exact for every format;
 * narrowing rounds to nearest, ties to even, and keeps NaN a NaN (docs/definitions.md, loading).
 */
public final class FloatFormats {
  private FloatFormats() {}

  private static final float[] E4M3 = new float[256];
  private static final float[] E5M2 = new float[256];

  static {
    for (int b = 0; b < 256; b++) {
      E4M3[b] = decodeMinifloat(b, 4, 3, 7, false);
      E5M2[b] = decodeMinifloat(b, 5, 2, 15, true);
    }
  }

  /** bf16 bits (low 16 bits of {@code bits}) to float32: exact, the bits shifted left by 16. */
  public static float bf16ToFloat(int bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** float32 to bf16 bits, round to nearest even; NaN becomes a quiet NaN with the same sign. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    // Adding 0x7fff plus the lowest kept bit rounds half to even; overflow correctly yields inf.
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /** IEEE binary16 bits to float32, exact (subnormals, infinities and NaN payloads kept). */
  public static float f16ToFloat(int h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal: value = mant * 2^-24, exactly representable in float32.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** float32 to IEEE binary16 bits, round to nearest even; NaN stays NaN. */
  public static short floatToF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs > 0x7f800000) {
      return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
    }
    if (abs >= 0x477ff000) { // rounds to >= 65520 -> infinity
      return (short) (sign | 0x7c00);
    }
    if (abs < 0x38800000) { // below the smallest normal 2^-14: subnormal or zero
      if (abs < 0x33000000) { // below 2^-25: rounds to zero (2^-25 itself is a tie to even 0)
        return (short) sign;
      }
      int exp = abs >>> 23;
      int mant = (abs & 0x7fffff) | 0x800000;
      int shift = 126 - exp; // value = mant * 2^(exp-150); target unit 2^-24
      int q = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int half = 1 << (shift - 1);
      if (rem > half || (rem == half && (q & 1) == 1)) {
        q++;
      }
      return (short) (sign | q);
    }
    int e = (abs >>> 23) - 112;
    int m = abs & 0x7fffff;
    int h = (e << 10) | (m >>> 13);
    int rem = m & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) {
      h++; // a carry into the exponent is the correct rounding
    }
    return (short) (sign | h);
  }

  /** 8-bit float (safetensors F8_E4M3, the finite-only "fn" variant) to float32. */
  public static float f8e4m3ToFloat(int b) {
    return E4M3[b & 0xff];
  }

  /** 8-bit float (safetensors F8_E5M2) to float32. */
  public static float f8e5m2ToFloat(int b) {
    return E5M2[b & 0xff];
  }

  private static float decodeMinifloat(int b, int expBits, int mantBits, int bias, boolean ieee) {
    int sign = (b >>> 7) & 1;
    int exp = (b >>> mantBits) & ((1 << expBits) - 1);
    int mant = b & ((1 << mantBits) - 1);
    int maxExp = (1 << expBits) - 1;
    double v;
    if (ieee && exp == maxExp) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (!ieee && exp == maxExp && mant == (1 << mantBits) - 1) {
      v = Double.NaN;
    } else if (exp == 0) {
      v = mant * Math.pow(2, 1 - bias - mantBits);
    } else {
      v = (1 + mant / (double) (1 << mantBits)) * Math.pow(2, exp - bias);
    }
    return (float) (sign == 1 ? -v : v);
  }
}
