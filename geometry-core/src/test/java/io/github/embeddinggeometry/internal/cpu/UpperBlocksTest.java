package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The upper-triangle stream skips tiles, never changes a pair: above the diagonal it gives the bits
 * of the full stream ({@code forEachBlock(x, x)}), the reference here, which the kernel contract
 * tests check against float64.
 */
class UpperBlocksTest {
  private static EmbeddingMatrix rows(int n, int d, float scale, long seed) {
    float[] x = Float64Oracle.gaussian(new Random(seed), n, d);
    for (int i = 0; i < x.length; i++) {
      x[i] *= scale;
    }
    // bitwise-equal rows across tile boundaries: exact zeros must survive the skipping
    System.arraycopy(x, 3 * d, x, 300 * d, d);
    System.arraycopy(x, 3 * d, x, (n - 1) * d, d);
    return EmbeddingMatrix.wrap(x, n, d);
  }

  @Test
  void aboveTheDiagonalEveryMetricGivesTheFullStreamsBits() {
    int n = 700; // 240-row query tiles and 256-row base tiles, with partial ones
    int d = 37;
    double[] m = new double[d * d];
    Random rnd = new Random(3);
    for (int i = 0; i < d; i++) {
      m[i * d + i] = 1 + rnd.nextDouble();
      if (i > 0) {
        m[i * d + i - 1] = m[(i - 1) * d + i] = 0.1;
      }
    }
    List<MetricSpace> metrics =
        List.of(
            MetricSpace.euclidean(),
            MetricSpace.cosine(),
            MetricSpace.causal(CausalMetric.of(m, d)));
    for (MetricSpace metric : metrics) {
      for (float scale : new float[] {1f, 1e30f, 1e-30f}) {
        EmbeddingMatrix x = rows(n, d, scale, 11);
        DistanceKernel kernel = Backends.cpu().distanceKernel(metric);
        UpperBlocks upper = UpperBlocks.of(kernel);
        assertThat(upper).as("the CPU kernel streams the upper triangle itself").isNotNull();
        float[] full = new float[n * n];
        kernel.forEachBlock(
            x,
            x,
            64,
            (from, to, block, stride) -> {
              for (int i = from; i < to; i++) {
                System.arraycopy(block, (i - from) * stride, full, i * n, n);
              }
            },
            ProgressListener.NONE);
        for (int blockRows : new int[] {1, 64, 250, n}) {
          float[] above = new float[n * n];
          AtomicLong seen = new AtomicLong();
          AtomicLong most = new AtomicLong();
          AtomicLong total = new AtomicLong();
          upper.forEachBlockAbove(
              x,
              blockRows,
              (from, to, block, stride) -> {
                assertThat(stride).isEqualTo(n);
                for (int i = from; i < to; i++) {
                  System.arraycopy(block, (i - from) * stride, above, i * n, n);
                }
                seen.addAndGet(to - from);
              },
              (task, done, all) -> {
                most.accumulateAndGet(done, Math::max);
                total.set(all);
              });
          assertThat(seen.get()).isEqualTo(n);
          assertThat(total.get()).as("progress counts pairs").isEqualTo((long) n * (n - 1) / 2);
          assertThat(most.get()).isEqualTo(total.get());
          for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
              assertThat(Float.floatToRawIntBits(above[i * n + j]))
                  .as("%s scale %s blockRows %d pair (%d, %d)", metric, scale, blockRows, i, j)
                  .isEqualTo(Float.floatToRawIntBits(full[i * n + j]));
            }
          }
          assertThat(above[3 * n + 300]).isEqualTo(0f);
          assertThat(above[300 * n + n - 1]).isEqualTo(0f);
        }
      }
    }
  }

  /**
   * The tile stream covers every pair above the diagonal exactly once, with the full stream's bits,
   * and counts pairs as progress; with the default tiles and with tiles small enough that a query
   * tile's base tiles are split between tasks (at least {@code TASK_COLUMNS} columns each).
   */
  @Test
  void theTileStreamGivesEveryPairAboveTheDiagonalOnceWithTheFullStreamsBits() {
    int n = 2300;
    int d = 9;
    EmbeddingMatrix x = rows(n, d, 1e30f, 12);
    TileKernel kern = Kernels.get();
    for (MetricSpace metric : List.of(MetricSpace.euclidean(), MetricSpace.cosine())) {
      DistanceKernel kernel = Backends.cpu().distanceKernel(metric);
      float[] full = new float[n * n];
      kernel.forEachBlock(
          x,
          x,
          64,
          (from, to, block, stride) -> {
            for (int i = from; i < to; i++) {
              System.arraycopy(block, (i - from) * stride, full, i * n, n);
            }
          },
          ProgressListener.NONE);
      assertCoversTheTriangle("default tiles " + metric, n, full, UpperBlocks.of(kernel), x);
      DistanceEngine.Kind kind =
          metric.equals(MetricSpace.cosine())
              ? DistanceEngine.Kind.COSINE
              : DistanceEngine.Kind.EUCLIDEAN;
      DistanceEngine small =
          new DistanceEngine(kern, kind, 17 * kern.mr(), 7 * kern.nr()); // several tasks per row
      assertCoversTheTriangle(
          "small tiles " + metric,
          n,
          full,
          (rows, consumer, progress) ->
              small.forEachTileAbove(small.operand(rows, 0, n, progress), consumer, progress),
          x);
    }
  }

  /** What {@link #theTileStreamGivesEveryPairAboveTheDiagonalOnceWithTheFullStreamsBits} needs. */
  @FunctionalInterface
  private interface TileStream {
    void run(EmbeddingMatrix x, UpperBlocks.Tiles consumer, ProgressListener progress);
  }

  private static void assertCoversTheTriangle(
      String what, int n, float[] full, UpperBlocks upper, EmbeddingMatrix x) {
    assertCoversTheTriangle(what, n, full, upper::forEachTileAbove, x);
  }

  private static void assertCoversTheTriangle(
      String what, int n, float[] full, TileStream stream, EmbeddingMatrix x) {
    int[] hits = new int[n * n];
    float[] above = new float[n * n];
    AtomicLong most = new AtomicLong();
    AtomicLong total = new AtomicLong();
    stream.run(
        x,
        (r0, r1, c0, c1, tile, stride) -> {
          assertThat(c1 - c0).isLessThanOrEqualTo(stride);
          for (int i = r0; i < r1; i++) {
            for (int j = Math.max(c0, i + 1); j < c1; j++) {
              synchronized (hits) {
                hits[i * n + j]++;
              }
              above[i * n + j] = tile[(i - r0) * stride + j - c0];
            }
          }
        },
        (task, done, all) -> {
          most.accumulateAndGet(done, Math::max);
          total.set(all);
        });
    assertThat(total.get()).as("%s: progress counts pairs", what).isEqualTo((long) n * (n - 1) / 2);
    assertThat(most.get()).isEqualTo(total.get());
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        assertThat(hits[i * n + j]).as("%s: pair (%d, %d) seen", what, i, j).isEqualTo(1);
        assertThat(Float.floatToRawIntBits(above[i * n + j]))
            .as("%s: pair (%d, %d)", what, i, j)
            .isEqualTo(Float.floatToRawIntBits(full[i * n + j]));
      }
    }
    assertThat(above[3 * n + 300]).isEqualTo(0f);
    assertThat(above[300 * n + n - 1]).isEqualTo(0f);
  }

  @Test
  void checkedKernelRejectsNonFiniteRowsBeforeStreaming() {
    float[] x = new float[20 * 4];
    x[17 * 4 + 2] = Float.NaN;
    DistanceKernel kernel = Backends.cpu().distanceKernel(MetricSpace.euclidean());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                UpperBlocks.of(kernel)
                    .forEachBlockAbove(
                        EmbeddingMatrix.wrap(x, 20, 4),
                        8,
                        (from, to, block, stride) -> {
                          throw new AssertionError("streamed before checking");
                        },
                        ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 17");
  }
}
