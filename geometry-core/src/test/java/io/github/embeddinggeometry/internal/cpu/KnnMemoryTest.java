package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Streaming k-NN over 30,000 x 384 random rows never holds the N x N matrix (3.6 GB as float32):
 * the heap it retains, measured after a full collection at a quarter, half and three quarters of
 * the work, stays far below it. Retained memory, not the pools' peak usage: the peak counts garbage
 * not yet collected, which depends on the collector's pace against the computation's, so on load
 * and speed (a loaded machine once saw a 1.28 GB peak). Also checks the progress reports and a
 * sample of rows against a float64 brute force.
 *
 * <p>On the scalar fallback ({@code -Pno-vector}), which is several times slower, the same check
 * runs on 12,000 rows (an N x N matrix would still be 576 MB) to keep the build short.
 */
class KnnMemoryTest {
  static final int N = Kernels.vectorized() ? 30_000 : 12_000;
  static final int D = 384;
  static final int K = 20;

  /** The heap in use after a full collection, in bytes. */
  private static long retainedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void streamingKnnHoldsNoNxN() {
    SplittableRandom rnd = new SplittableRandom(2024);
    float[] data = new float[N * D];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    EmbeddingMatrix x = EmbeddingMatrix.wrap(data, N, D);
    long dataBytes = 4L * data.length;
    long before = retainedHeap();
    AtomicLong lastDone = new AtomicLong();
    AtomicLong lastTotal = new AtomicLong();
    AtomicLong maxRetained = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    Neighbours nb =
        Backends.cpu()
            .distanceKernel(MetricSpace.euclidean())
            .nearest(
                x,
                K,
                (task, done, total) -> {
                  assertThat(done)
                      .isGreaterThanOrEqualTo(lastDone.get())
                      .isLessThanOrEqualTo(total);
                  // Progress is reported under a lock: the samples are taken one at a time.
                  long quarter = samples.get() + 1;
                  if (quarter <= 3 && done * 4 >= quarter * total) {
                    samples.set(quarter);
                    maxRetained.set(Math.max(maxRetained.get(), retainedHeap()));
                  }
                  lastDone.set(done);
                  lastTotal.set(total);
                });
    assertThat(samples.get()).isEqualTo(3);
    long grown = maxRetained.get() - before;
    long nxn = 4L * N * N;
    // tiles, packed copies and the N x k results (about 0.1 GB); an N x N float matrix would be
    // 3.6 GB (30,000 rows) or 0.58 GB (12,000)
    assertThat(grown)
        .as(
            "heap retained during the run %d bytes over %d before (data %d)",
            grown, before, dataBytes)
        .isLessThan(nxn / (N >= 30_000 ? 12 : 3));
    assertThat(lastDone.get()).isEqualTo(lastTotal.get()).isPositive();

    Random pick = new Random(5);
    for (int t = 0; t < 5; t++) {
      int q = pick.nextInt(N);
      float[] row = x.row(q);
      double[] dist = new double[N];
      for (int j = 0; j < N; j++) {
        dist[j] =
            j == q
                ? Double.POSITIVE_INFINITY
                : Float64Oracle.distance(MetricSpace.euclidean(), row, x.row(j));
      }
      int[] order =
          java.util.stream.IntStream.range(0, N)
              .boxed()
              .sorted(
                  (a, b) ->
                      a.equals(b)
                          ? 0
                          : Double.compare(dist[a], dist[b]) != 0
                              ? Double.compare(dist[a], dist[b])
                              : Integer.compare(a, b))
              .limit(K)
              .mapToInt(Integer::intValue)
              .toArray();
      for (int r = 0; r < K; r++) {
        int got = nb.index(q, r);
        assertThat(Float64Oracle.close(dist[got], nb.distance(q, r))).isTrue();
        if (got != order[r]) {
          assertThat(Float64Oracle.nearTie(dist[got], dist[order[r]]))
              .as("row %d rank %d: %d vs %d", q, r, got, order[r])
              .isTrue();
        }
      }
    }
  }
}
