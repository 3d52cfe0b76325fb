package io.github.embeddinggeometry.density;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.DensityEstimatorContract;
import io.github.embeddinggeometry.testing.ReferenceKernel;
import org.junit.jupiter.api.Test;

class KnnDensityTest {
  @Test
  void logVolumetricMatchesLogSpaceFormulaAndNeverOverflows() {
    float[][] rows = DensityEstimatorContract.cloud();
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    DensityField f =
        KnnDensity.of(20, new ReferenceKernel(MetricSpace.euclidean()))
            .estimate(w, ProgressListener.NONE);
    for (int dim : new int[] {1, 2, 12, 1333, 1334, 20000}) {
      double[] lv = f.logVolumetric(dim);
      // lgamma(D/2 + 1) by sums of logs: D even -> ln((D/2)!), D odd -> ln Gamma(n + 1/2) product.
      double lg = 0;
      if (dim % 2 == 0) {
        for (int i = 2; i <= dim / 2; i++) {
          lg += Math.log(i);
        }
      } else {
        int n = (dim + 1) / 2; // D/2 + 1 = n + 1/2
        lg = 0.5 * Math.log(Math.PI);
        for (int i = 0; i < n; i++) {
          lg += Math.log(i + 0.5);
        }
      }
      for (int i = 0; i < f.rows(); i++) {
        double r = f.meanDistance(i);
        double expected = Math.log(20) - (dim / 2.0 * Math.log(Math.PI) - lg + dim * Math.log(r));
        assertThat(lv[i]).isFinite();
        assertThat(lv[i]).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
      }
    }
    // A row with r = 0 gets +infinity: k = 2 with 5 copies.
    DensityField dup =
        KnnDensity.of(2, new ReferenceKernel(MetricSpace.euclidean()))
            .estimate(w, ProgressListener.NONE);
    assertThat(dup.logVolumetric(1333)[52]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(DensityField.effectiveDimension(1332.5)).isEqualTo(1333);
    assertThat(DensityField.effectiveDimension(1332.49)).isEqualTo(1332);
  }

  /** k = N - 1 is the largest k; beyond it, the same message as the kernels' own check. */
  @Test
  void kRangesToNMinusOneWithTheKernelsMessage() {
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(new float[][] {{1}, {2}, {4}});
    // An unchecked kernel: the estimator must refuse k by itself.
    DensityEstimator knn3 = KnnDensity.of(3, new ReferenceKernel(MetricSpace.euclidean()));
    String kernelMessage;
    try (DistanceKernel checked = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      kernelMessage =
          catchThrowableOfType(
                  IllegalArgumentException.class,
                  () -> checked.nearest(w, 3, ProgressListener.NONE))
              .getMessage();
    }
    assertThat(kernelMessage).contains("k = 3 is too large").contains("at most 2");
    assertThatThrownBy(() -> knn3.estimate(w, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(kernelMessage);
    // k = N - 1 = 2: the mean distance to both other rows.
    DensityField f =
        KnnDensity.of(2, new ReferenceKernel(MetricSpace.euclidean()))
            .estimate(w, ProgressListener.NONE);
    assertThat(f.meanDistance(0)).isEqualTo((1 + 3) / 2.0);
    assertThat(f.meanDistance(1)).isEqualTo((1 + 2) / 2.0);
    assertThat(f.meanDistance(2)).isEqualTo((3 + 2) / 2.0);
    assertThatThrownBy(() -> KnnDensity.of(0, new ReferenceKernel(MetricSpace.euclidean())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be at least 1; got 0");
  }
}
