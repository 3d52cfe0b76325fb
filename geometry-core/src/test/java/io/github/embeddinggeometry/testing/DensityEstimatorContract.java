package io.github.embeddinggeometry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.density.DensityEstimator;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.FiniteSummary;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract of the k-NN {@link DensityEstimator} on a backend: density {@code 1 / mean k-NN
 * distance} against {@link Float64Oracle}, self excluded by index so that k or more exact copies
 * give +infinity, infinite densities ranked densest and summarised beside the finite ones.
 */
public abstract class DensityEstimatorContract extends BackendContract {
  /** 200 random rows; rows 50..54 are five bitwise copies of row 50. */
  public static float[][] cloud() {
    Random rnd = new Random(3);
    float[][] rows = new float[200][12];
    for (float[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        r[i] = (float) rnd.nextGaussian();
      }
    }
    for (int i = 51; i < 55; i++) {
      rows[i] = rows[50].clone();
    }
    return rows;
  }

  @Test
  void densityIsInverseMeanKnnDistanceAndDuplicatesAreInfinite() {
    float[][] rows = cloud();
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    int k = 4;
    DensityField f =
        DensityEstimator.knn(k, backend.distanceKernel(MetricSpace.euclidean()))
            .estimate(w, ProgressListener.NONE);
    assertThat(f.rows()).isEqualTo(200);
    assertThat(f.k()).isEqualTo(k);
    for (int i = 0; i < rows.length; i++) {
      double[] d = new double[rows.length - 1];
      int m = 0;
      for (int j = 0; j < rows.length; j++) {
        if (j != i) {
          d[m++] = Float64Oracle.distance(MetricSpace.euclidean(), rows[i], rows[j]);
        }
      }
      Arrays.sort(d);
      double r = (d[0] + d[1] + d[2] + d[3]) / 4;
      assertThat(f.meanDistance(i)).isCloseTo(r, within(1e-5 * Math.max(1, r)));
      assertThat(f.nearestDistance(i)).isCloseTo(d[0], within(1e-5 * Math.max(1, d[0])));
      if (i >= 50 && i < 55) {
        assertThat(f.isDuplicate(i)).isTrue();
        assertThat(f.density(i)).isEqualTo(Double.POSITIVE_INFINITY);
      } else {
        assertThat(f.isDuplicate(i)).isFalse();
        assertThat(f.density(i)).isCloseTo(1 / r, within(1e-4 / r));
      }
    }
    assertThat(f.densestRow()).isEqualTo(50);
    assertThat(f.densestRows(5)).containsExactly(50, 51, 52, 53, 54);
    assertThat(f.duplicateCount()).isEqualTo(5);
    FiniteSummary s = f.densitySummary();
    assertThat(s.finite()).isEqualTo(195);
    assertThat(s.infinite()).isEqualTo(5);
    double[] finite = Arrays.stream(f.densities()).filter(Double::isFinite).sorted().toArray();
    assertThat(s.mean()).isCloseTo(Arrays.stream(finite).average().orElseThrow(), within(1e-12));
    assertThat(s.median()).isEqualTo(finite[97]);
    assertThat(s.min()).isEqualTo(finite[0]);
    assertThat(s.max()).isEqualTo(finite[194]);
  }

  /** k = N - 1: every row's mean distance to all the others. */
  @Test
  void largestKUsesEveryOtherRow() {
    float[][] rows = Arrays.copyOf(cloud(), 30);
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    DensityField f =
        DensityEstimator.knn(29, backend.distanceKernel(MetricSpace.cosine()))
            .estimate(w, ProgressListener.NONE);
    for (int i = 0; i < rows.length; i++) {
      double sum = 0;
      for (int j = 0; j < rows.length; j++) {
        if (j != i) {
          sum += Float64Oracle.distance(MetricSpace.cosine(), rows[i], rows[j]);
        }
      }
      assertThat(f.meanDistance(i)).isCloseTo(sum / 29, within(1e-5));
    }
  }
}
