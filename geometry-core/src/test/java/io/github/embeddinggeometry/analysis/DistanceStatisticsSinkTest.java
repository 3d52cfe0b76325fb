package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.TestBackends;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sink sees every pair of the statistics' pass once, with the pair's distance. */
class DistanceStatisticsSinkTest {
  static Stream<ComputeBackend> backends() {
    return TestBackends.all();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void everyPairOnceWithItsDistanceAndTheSameStatistics(ComputeBackend backend) {
    int n = 150;
    int d = 5;
    Random rnd = new Random(9);
    float[][] rows = new float[n][d];
    for (float[] r : rows) {
      for (int c = 0; c < d; c++) {
        r[c] = (float) rnd.nextGaussian();
      }
    }
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    int[] seen = new int[n * n];
    float[] got = new float[n * n];
    try (DistanceKernel k = backend.distanceKernel(MetricSpace.euclidean())) {
      DistanceStatistics withSink =
          DistanceStatistics.of(
              w,
              k,
              (i, j0, dist, off, len) -> {
                for (int t = 0; t < len; t++) {
                  synchronized (seen) {
                    seen[i * n + j0 + t]++;
                  }
                  got[i * n + j0 + t] = dist[off + t];
                }
              },
              ProgressListener.NONE);
      assertThat(withSink).isEqualTo(DistanceStatistics.of(w, k, ProgressListener.NONE));
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(seen[i * n + j]).as("(%d, %d)", i, j).isEqualTo(j > i ? 1 : 0);
        if (j > i) {
          double sq = 0;
          for (int c = 0; c < d; c++) {
            double t = (double) rows[i][c] - rows[j][c];
            sq += t * t;
          }
          assertThat((double) got[i * n + j]).isCloseTo(Math.sqrt(sq), within(1e-5));
        }
      }
    }
  }
}
