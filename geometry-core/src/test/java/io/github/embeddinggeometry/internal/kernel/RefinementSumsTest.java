package io.github.embeddinggeometry.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.internal.RowLoops;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The refinement sums behind {@code backend.spi.Exact}: the documented order, the same bits from
 * plain Java and the Vector API, and close to the exact value.
 */
class RefinementSumsTest {
  private static final int[] DIMS = {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 383, 384, 385, 2560};

  /** The documented order, written out term by term. */
  private static double[] documentedOrder(float[] x, int xo, float[] y, int yo, int d) {
    double[][] s = new double[3][8];
    int d8 = d - d % 8;
    for (int k = 0; k < d8; k++) {
      double p = x[xo + k];
      double q = y[yo + k];
      s[0][k % 8] += (p - q) * (p - q);
      s[1][k % 8] += p * q;
      s[2][k % 8] += p * p;
    }
    double[] out = new double[4];
    for (int w = 0; w < 3; w++) {
      double[] t = s[w];
      out[w] = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    }
    double ny = 0;
    double[] yy = new double[8];
    for (int k = 0; k < d8; k++) {
      yy[k % 8] += (double) y[yo + k] * y[yo + k];
    }
    ny = ((yy[0] + yy[1]) + (yy[2] + yy[3])) + ((yy[4] + yy[5]) + (yy[6] + yy[7]));
    for (int k = d8; k < d; k++) {
      double p = x[xo + k];
      double q = y[yo + k];
      out[0] += (p - q) * (p - q);
      out[1] += p * q;
      out[2] += p * p;
      ny += q * q;
    }
    out[3] = ny;
    return out;
  }

  private static float[] random(SplittableRandom r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((r.nextDouble() - 0.5) * scale);
    }
    return a;
  }

  private static void check(Level2 l2, float[] x, int xo, float[] y, int yo, int d) {
    double[] want = documentedOrder(x, xo, y, yo, d);
    assertThat(Double.doubleToRawLongBits(l2.squaredDistance(x, xo, y, yo, d)))
        .as("squared distance, d=%d", d)
        .isEqualTo(Double.doubleToRawLongBits(want[0]));
    double[] got = new double[3];
    l2.cosineSums(x, xo, y, yo, d, got);
    assertThat(got).as("cosine sums, d=%d", d).containsExactly(want[1], want[2], want[3]);
  }

  @Test
  void plainJavaFollowsTheDocumentedOrder() {
    SplittableRandom r = new SplittableRandom(11);
    for (int d : DIMS) {
      float[] x = random(r, d + 3, 2);
      float[] y = random(r, d + 5, 1e3);
      check(ScalarLevel2.INSTANCE, x, 3, y, 5, d);
    }
  }

  @Test
  void theVectorApiGivesTheSameBits() {
    Optional<SimdProvider.Vector> v = SimdProvider.anyVector();
    assumeTrue(v.isPresent(), "jdk.incubator.vector not present");
    Level2 l2 = v.get().level2();
    SplittableRandom r = new SplittableRandom(12);
    // enough calls for the JIT to compile the vector loops, whose bits must not change then
    for (int round = 0; round < 400; round++) {
      for (int d : DIMS) {
        float[] x = random(r, d + 1, 10);
        float[] y = random(r, d + 2, 10);
        check(l2, x, 1, y, 2, d);
      }
    }
  }

  @Test
  void equalRowsGiveExactlyZeroAndTheSumIsWithinItsBound() {
    SplittableRandom r = new SplittableRandom(13);
    RowLoops l2 = RowLoops.get();
    for (int d : DIMS) {
      float[] x = random(r, d, 100);
      assertThat(l2.squaredDistance(x, 0, x.clone(), 0, d)).isZero();
      float[] y = random(r, d, 100);
      BigDecimal exact = BigDecimal.ZERO;
      for (int k = 0; k < d; k++) {
        BigDecimal t = new BigDecimal(x[k]).subtract(new BigDecimal(y[k]));
        exact = exact.add(t.multiply(t));
      }
      double e = exact.round(MathContext.DECIMAL64).doubleValue();
      // each of the d additions rounds once: |error| <= d eps sum (the terms are >= 0)
      assertThat(Math.abs(l2.squaredDistance(x, 0, y, 0, d) - e))
          .isLessThanOrEqualTo(d * Math.ulp(1.0) * e);
    }
  }
}
