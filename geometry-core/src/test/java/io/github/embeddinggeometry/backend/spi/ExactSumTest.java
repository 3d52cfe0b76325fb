package io.github.embeddinggeometry.backend.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact sum against BigDecimal, and the same bits for any split and order. */
class ExactSumTest {
  @Test
  void isTheCorrectlyRoundedSumWhateverTheOrder() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + rnd.nextInt(5000);
      float[] v = new float[n];
      BigDecimal exact = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        float x =
            switch (rnd.nextInt(4)) {
              case 0 -> Float.MIN_VALUE * rnd.nextInt(1000);
              case 1 -> (float) (rnd.nextGaussian() * 1e30);
              case 2 -> 0f;
              default -> (float) rnd.nextGaussian();
            };
        v[i] = x;
        exact = exact.add(new BigDecimal(x));
      }
      ExactSum forward = new ExactSum();
      for (float x : v) {
        forward.add(x);
      }
      ExactSum a = new ExactSum();
      ExactSum b = new ExactSum();
      for (int i = n - 1; i >= 0; i--) {
        (i % 3 == 0 ? a : b).add(v[i]);
      }
      b.add(a);
      double want = exact.round(MathContext.DECIMAL128).doubleValue();
      assertThat(forward.value()).isEqualTo(want);
      assertThat(b.value()).isEqualTo(forward.value());
    }
  }

  @Test
  void manyAddsCarryWithoutOverflow() {
    ExactSum s = new ExactSum();
    float big = Float.MAX_VALUE;
    long n = (1L << 25) + 3;
    for (long i = 0; i < n; i++) {
      s.add(big);
    }
    assertThat(s.value())
        .isEqualTo(new BigDecimal(big).multiply(BigDecimal.valueOf(n)).doubleValue());
  }

  @Test
  void anInfinityIsNeverAWrongFiniteSum() {
    // Its exponent bits once counted as 2^128: 1 + infinity gave 3.4028e38.
    ExactSum s = new ExactSum();
    s.add(1f);
    s.add(Float.POSITIVE_INFINITY);
    assertThat(s.value()).isEqualTo(Double.POSITIVE_INFINITY);
    ExactSum t = new ExactSum();
    t.add(Float.NEGATIVE_INFINITY);
    t.add(s);
    assertThat(t.value()).isNaN();
    ExactSum u = new ExactSum();
    u.add(Float.NaN);
    assertThat(u.value()).isNaN();
  }
}
