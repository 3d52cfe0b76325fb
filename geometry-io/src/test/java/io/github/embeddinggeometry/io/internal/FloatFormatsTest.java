package io.github.embeddinggeometry.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatFormatsTest {
  /** Independent reference: binary16 value from its fields in float64. */
  private static double f16Reference(int h) {
    int sign = (h >> 15) & 1;
    int exp = (h >> 10) & 0x1f;
    int mant = h & 0x3ff;
    double v;
    if (exp == 31) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (exp == 0) {
      v = mant * Math.pow(2, -24);
    } else {
      v = (1024 + mant) * Math.pow(2, exp - 25);
    }
    return sign == 1 ? -v : v;
  }

  @Test
  void allBf16PatternsRoundTrip() {
    for (int b = 0; b < 65536; b++) {
      float f = FloatFormats.bf16ToFloat(b);
      // Widening: the same bits in the upper half of a float32.
      assertThat(Float.floatToRawIntBits(f)).isEqualTo(b << 16);
      short back = FloatFormats.floatToBf16(f);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(FloatFormats.bf16ToFloat(back))).as("NaN %04x", b).isTrue();
        assertThat(back & 0x8000).isEqualTo(b & 0x8000);
      } else {
        assertThat(back & 0xffff).as("pattern %04x", b).isEqualTo(b);
      }
    }
  }

  @Test
  void bf16NarrowingRoundsToNearestEven() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      float f = Float.intBitsToFloat(rnd.nextInt());
      if (Float.isNaN(f)) {
        continue;
      }
      int lo = Float.floatToRawIntBits(f) & 0xffff0000;
      // Neighbouring bf16 values around f (same sign): truncation and one ulp further out.
      double a = Float.intBitsToFloat(lo);
      double b = Float.intBitsToFloat(lo + 0x10000);
      if (Double.isInfinite(b)) {
        b = Math.copySign(0x1p128, f); // where the next value would be with an unbounded exponent
      }
      double da = Math.abs(f - a);
      double db = Math.abs(f - b);
      int expected;
      if (da < db) {
        expected = lo >>> 16;
      } else if (db < da) {
        expected = (lo + 0x10000) >>> 16;
      } else {
        expected = ((lo >>> 16) & 1) == 0 ? lo >>> 16 : (lo + 0x10000) >>> 16;
      }
      if (Float.isInfinite(f)) {
        expected = lo >>> 16;
      }
      assertThat(FloatFormats.floatToBf16(f) & 0xffff)
          .as("float %s", f)
          .isEqualTo(expected & 0xffff);
    }
    // Hand-checked ties: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 -> even (1.0).
    assertThat(FloatFormats.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3f80);
    assertThat(FloatFormats.floatToBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3f82);
    assertThat(FloatFormats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
  }

  @Test
  void allF16PatternsDecodeExactlyAndRoundTrip() {
    for (int h = 0; h < 65536; h++) {
      float f = FloatFormats.f16ToFloat(h);
      double ref = f16Reference(h);
      if (Double.isNaN(ref)) {
        assertThat(Float.isNaN(f)).isTrue();
        assertThat(Float.isNaN(FloatFormats.f16ToFloat(FloatFormats.floatToF16(f)))).isTrue();
      } else {
        assertThat((double) f).as("pattern %04x", h).isEqualTo(ref);
        assertThat(FloatFormats.floatToF16(f) & 0xffff).as("pattern %04x", h).isEqualTo(h);
      }
    }
  }

  @Test
  void f16NarrowingRoundsToNearestEven() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float f = (float) ((rnd.nextDouble() - 0.5) * Math.pow(2, rnd.nextInt(-30, 18)));
      int got = FloatFormats.floatToF16(f) & 0xffff;
      double best = Double.POSITIVE_INFINITY;
      int bestH = -1;
      // Brute force over patterns with the same sign: nearest, ties to even mantissa.
      int signBit = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
      int approx = got & 0x7fff;
      for (int h = Math.max(0, approx - 2); h <= Math.min(0x7c00, approx + 2); h++) {
        double d = Math.abs(f - f16Reference(h | signBit));
        if (d < best || (d == best && (h & 1) == 0)) {
          best = d;
          bestH = h | signBit;
        }
      }
      if (Math.abs(f) >= 65520) {
        bestH = signBit | 0x7c00;
      }
      assertThat(got).as("float %s", f).isEqualTo(bestH);
    }
  }

  @Test
  void f8HandCheckedValues() {
    assertThat(FloatFormats.f8e4m3ToFloat(0x38)).isEqualTo(1.0f); // 0 0111 000
    assertThat(FloatFormats.f8e4m3ToFloat(0x7e)).isEqualTo(448f); // largest finite
    assertThat(FloatFormats.f8e4m3ToFloat(0x7f)).isNaN();
    assertThat(FloatFormats.f8e4m3ToFloat(0x01)).isEqualTo(0x1p-9f); // smallest subnormal
    assertThat(FloatFormats.f8e4m3ToFloat(0xb8)).isEqualTo(-1.0f);
    assertThat(FloatFormats.f8e5m2ToFloat(0x3c)).isEqualTo(1.0f); // 0 01111 00
    assertThat(FloatFormats.f8e5m2ToFloat(0x7b)).isEqualTo(57344f);
    assertThat(FloatFormats.f8e5m2ToFloat(0x7c)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(FloatFormats.f8e5m2ToFloat(0x7d)).isNaN();
    assertThat(FloatFormats.f8e5m2ToFloat(0x01)).isEqualTo(0x1p-16f);
  }
}
