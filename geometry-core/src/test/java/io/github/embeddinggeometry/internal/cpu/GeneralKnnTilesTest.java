package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The queries-against-base k-NN when the base is too large to pack once (packed tile by tile by
 * every task, with query tiles up to four times taller): the same neighbours and bits as with the
 * base packed once and as the self path, and the float64 order.
 */
class GeneralKnnTilesTest {
  @Test
  void tallQueryTilesOverAnUnpackedBaseAgreeWithFloat64() {
    int n = 1500; // more than 4 x 240 rows: several tall tiles per thread
    int d = 24;
    int k = 6;
    float[] x = Float64Oracle.gaussian(new Random(11), n, d);
    System.arraycopy(x, 0, x, 700 * d, d); // bitwise copies: distance 0, ties by lower row
    System.arraycopy(x, 0, x, 1400 * d, d);
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    EmbeddingMatrix queries = w.select(w.ids());
    for (TileKernel kern : java.util.List.of(Kernels.scalar(), Kernels.get())) {
      DistanceKernel dk = new CpuBackend(kern).distanceKernel(MetricSpace.euclidean());
      Neighbours packedOnce = dk.nearest(queries, w, k, ProgressListener.NONE);
      Neighbours self = dk.nearest(w, k, ProgressListener.NONE);
      String old = System.getProperty(Settings.PREPACK_BYTES);
      Neighbours unpacked;
      try {
        System.setProperty(Settings.PREPACK_BYTES, "1");
        unpacked = dk.nearest(queries, w, k, ProgressListener.NONE);
      } finally {
        if (old == null) {
          System.clearProperty(Settings.PREPACK_BYTES);
        } else {
          System.setProperty(Settings.PREPACK_BYTES, old);
        }
      }
      assertThat(unpacked.indices()).isEqualTo(packedOnce.indices()).isEqualTo(self.indices());
      assertThat(unpacked.distances())
          .isEqualTo(packedOnce.distances())
          .isEqualTo(self.distances());
      double[] want = Float64Oracle.matrix(MetricSpace.euclidean(), w, w);
      for (int q = 0; q < n; q++) {
        double[] row = Arrays.copyOfRange(want, q * n, q * n + n);
        int[] order = Float64Oracle.order(row, w, q, w);
        for (int r = 0; r < k; r++) {
          int got = unpacked.index(q, r);
          assertThat(Float64Oracle.close(row[got], unpacked.distance(q, r)))
              .as("%s row %d rank %d", kern.description(), q, r)
              .isTrue();
          assertThat(got == order[r] || Float64Oracle.nearTie(row[got], row[order[r]]))
              .as("%s row %d rank %d: %d, float64 %d", kern.description(), q, r, got, order[r])
              .isTrue();
        }
      }
      assertThat(unpacked.index(0, 0)).isEqualTo(700);
      assertThat(unpacked.distance(0, 0)).isZero();
    }
  }
}
