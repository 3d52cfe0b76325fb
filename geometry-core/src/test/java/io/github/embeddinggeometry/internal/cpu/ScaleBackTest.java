package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScaleBackTest {
  @Test
  void givesMathScalbsBitsForEveryExponent() {
    SplittableRandom r = new SplittableRandom(3);
    float[] v = new float[1000];
    for (int i = 0; i < v.length; i++) {
      // normal and subnormal magnitudes, zero, and results that overflow or become subnormal
      v[i] = i == 0 ? 0f : (float) Math.scalb(r.nextDouble(), r.nextInt(280) - 150);
    }
    for (int exp = -160; exp <= 160; exp++) {
      float[] got = v.clone();
      DistanceEngine.scaleBack(got, 3, v.length - 5, exp);
      for (int j = 0; j < v.length; j++) {
        float want = j < 3 || j >= v.length - 2 ? v[j] : Math.scalb(v[j], exp);
        assertThat(Float.floatToRawIntBits(got[j]))
            .as("%s * 2^%d", v[j], exp)
            .isEqualTo(Float.floatToRawIntBits(want));
      }
    }
  }
}
