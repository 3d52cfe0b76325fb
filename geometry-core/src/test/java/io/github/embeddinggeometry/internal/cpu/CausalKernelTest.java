package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Causal distances on views and re-labelled matrices agree with the full matrix, bit for bit. */
class CausalKernelTest {
  @Test
  void viewsOfACachedMatrixGiveTheSameBits() {
    Random rnd = new Random(11);
    int n = 60;
    int d = 19;
    EmbeddingMatrix x = EmbeddingMatrix.wrap(Oracle.gaussian(rnd, n, d), n, d);
    MetricSpace causal = MetricSpace.causal(Fixtures.randomMetric(rnd, d));
    for (TileKernel kern : Fixtures.kernels()) {
      DistanceKernel dk = new CpuBackend(kern).distanceKernel(causal);
      float[] full = dk.distances(x, x);
      EmbeddingMatrix slice = x.slice(10, 50);
      float[] part = dk.distances(slice, x);
      for (int i = 0; i < 40; i++) {
        for (int j = 0; j < n; j++) {
          assertThat(part[i * n + j]).isEqualTo(full[(i + 10) * n + j]);
        }
      }
      // same data under other ids: not a view of x, mapped on its own, same values
      int[] ids = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = 1000 + 2 * i;
      }
      EmbeddingMatrix relabelled = x.withIds(ids);
      float[] again = dk.distances(relabelled, x);
      assertThat(again).isEqualTo(full);
    }
  }
}
