package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The one-pass histogram: edges within 2^-12 of {@code hi * b / bins}, and counts equal to a direct
 * count of the same values against those edges, whatever the threads the values came from.
 */
class PairHistogramTest {
  @Test
  void edgesAreBucketBoundariesNextToTheIdealOnes() {
    double hi = 63.149906;
    double[] e = PairHistogram.edges(hi, 120);
    assertThat(e[0]).isZero();
    assertThat(e[120]).isEqualTo(hi);
    for (int b = 1; b < 120; b++) {
      double ideal = hi * b / 120;
      assertThat(e[b]).isLessThanOrEqualTo((float) ideal).isCloseTo(ideal, within(ideal * 0x1p-12));
      assertThat(e[b]).isGreaterThan(e[b - 1]);
      // a bucket boundary: its low mantissa bits are zero
      assertThat(Float.floatToRawIntBits((float) e[b]) & ((1 << PairHistogram.SHIFT) - 1)).isZero();
    }
  }

  @Test
  void countsAreTheDirectCountsFromSeveralThreads() throws Exception {
    int n = 200_000;
    float[] values = new float[n];
    Random r = new Random(3);
    float max = 0;
    for (int i = 0; i < n; i++) {
      values[i] = i % 97 == 0 ? 0f : (float) Math.abs(r.nextGaussian() * 4 + 10);
      max = Math.max(max, values[i]);
    }
    values[5] = -0f; // a negative zero counts as zero
    PairHistogram h = new PairHistogram();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?>[] f = new Future<?>[4];
      for (int q = 0; q < 4; q++) {
        int from = q * n / 4;
        int to = (q + 1) * n / 4;
        f[q] =
            pool.submit(
                () -> {
                  for (int i = from; i < to; i += 1000) {
                    h.accept(0, 1, values, i, Math.min(1000, to - i));
                  }
                });
      }
      for (Future<?> x : f) {
        x.get();
      }
    } finally {
      pool.shutdown();
    }
    int bins = 120;
    double[] edges = PairHistogram.edges(max, bins);
    long[] got = h.counts(edges);
    long[] want = new long[bins];
    for (float v : values) {
      double x = Math.abs((double) v);
      int b = bins - 1;
      while (b > 0 && x < edges[b]) {
        b--;
      }
      want[b]++;
    }
    assertThat(got).containsExactly(want);
    assertThat(java.util.Arrays.stream(got).sum()).isEqualTo(n);
  }
}
