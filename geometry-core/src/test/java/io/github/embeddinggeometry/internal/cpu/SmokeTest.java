package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import io.github.embeddinggeometry.spi.Backends;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void euclideanAndKnn() {
    Random rnd = new Random(1);
    int n = 300, d = 37;
    EmbeddingMatrix x = EmbeddingMatrix.wrap(Oracle.gaussian(rnd, n, d), n, d);
    for (MetricSpace metric : new MetricSpace[] {MetricSpace.euclidean(), MetricSpace.cosine()}) {
      DistanceKernel kern = Backends.cpu().distanceKernel(metric);
      float[] got = kern.distances(x, x);
      double[] want = Oracle.matrix(metric, x, x);
      for (int i = 0; i < got.length; i++) {
        assertThat(Oracle.close(want[i], got[i])).as("%s %d: %s vs %s", metric, i, want[i], got[i]).isTrue();
      }
      Neighbours nb = kern.nearest(x, 5, ProgressListener.NONE);
      for (int q = 0; q < n; q++) {
        double[] row = java.util.Arrays.copyOfRange(want, q * n, q * n + n);
        Integer[] order = Oracle.order(row, x, q, x);
        for (int r = 0; r < 5; r++) {
          assertThat(nb.index(q, r)).isEqualTo(order[r]);
        }
      }
    }
  }

  @Test
  void covarianceAndCausal() {
    Random rnd = new Random(2);
    int n = 1000, d = 29;
    float[] data = Oracle.gaussian(rnd, n, d);
    EmbeddingMatrix x = EmbeddingMatrix.wrap(data, n, d);
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data[i * d + j] / (double) n;
    double[] c = Backends.cpu().covariance(x, mean, ProgressListener.NONE);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int r = 0; r < n; r++) s += (data[r * d + i] - mean[i]) * (data[r * d + j] - mean[j]);
        assertThat(c[i * d + j]).isCloseTo(s / n, org.assertj.core.data.Offset.offset(1e-6));
      }
    }
    double[] ridge = c.clone();
    for (int i = 0; i < d; i++) ridge[i * d + i] += 0.1;
    MetricSpace causal = MetricSpace.causal(io.github.embeddinggeometry.metric.CausalMetric.of(ridge, d));
    EmbeddingMatrix small = x.slice(0, 100);
    float[] got = Backends.cpu().distanceKernel(causal).distances(small, small);
    double[] want = Oracle.matrix(causal, small, small);
    for (int i = 0; i < got.length; i++) {
      assertThat(Oracle.close(want[i], got[i])).as("%d: %s vs %s", i, want[i], got[i]).isTrue();
    }
  }
}
