package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.TestBackends;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DensityVsNormTest {
  static Stream<ComputeBackend> backends() {
    return TestBackends.all();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void causalNormsAreTheQuadraticFormAndEveryRowIsProfiled(ComputeBackend backend) {
    Random rnd = new Random(3);
    int n = 200;
    int d = 4;
    float[][] rows = new float[n][d];
    for (float[] r : rows) {
      for (int i = 0; i < d; i++) {
        r[i] = (float) rnd.nextGaussian();
      }
    }
    double[] diag = {1, 4, 0.25, 2};
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      m[i * d + i] = diag[i];
    }
    CausalMetric metric = CausalMetric.of(m, d);
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    try (DistanceKernel k = backend.distanceKernel(MetricSpace.causal(metric))) {
      DensityField field = KnnDensity.of(5, k).estimate(w, ProgressListener.NONE);
      DensityVsNorm r = DensityVsNorm.of(field, metric, 3, 10, ProgressListener.NONE);
      for (int i = 0; i < n; i++) {
        double q = 0;
        for (int j = 0; j < d; j++) {
          q += diag[j] * rows[i][j] * rows[i][j];
        }
        assertThat(r.causalNorms()[i]).isCloseTo(Math.sqrt(q), within(1e-5 * Math.sqrt(q)));
      }
      assertThat(Arrays.stream(r.profile().counts()).sum()).isEqualTo(n);
      assertThat(r.dEff()).isEqualTo(3);
      assertThat(r.logVolumetric()).containsExactly(field.logVolumetric(3));
      assertThat(r.verdict()).isEqualTo(Verdicts.CoreShell.of(r.regions().coreShellRatio()));
    }
  }
}
