package io.github.embeddinggeometry.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The metric tensor checks and the blocked float64 mapping {@code w -> L^T w}. */
class CausalMetricTest {

  static double[] spd(Random rnd, int d) {
    return Float64Oracle.spd(rnd, d, 0.1);
  }

  @ParameterizedTest(name = "d={0}")
  @ValueSource(ints = {1, 5, 8, 17, 130, 300})
  void mapMatchesFloat64AndKeepsDuplicatesAndIds(int d) {
    Random rnd = new Random(d);
    CausalMetric metric = CausalMetric.of(spd(rnd, d), d);
    double[] l = metric.choleskyLower();
    int n = 101;
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    System.arraycopy(x, 0, x, 77 * d, d);
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    List<TileKernel> kernels = new ArrayList<>();
    kernels.add(Kernels.scalar());
    Kernels.vectorKernel().ifPresent(kernels::add);
    for (TileKernel k : kernels) {
      EmbeddingMatrix mapped = CausalMap.map(k, w, l, ProgressListener.NONE);
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < d; j++) {
          double want = 0;
          double scale = 0;
          for (int i = j; i < d; i++) {
            want += l[i * d + j] * x[r * d + i];
            scale += Math.abs(l[i * d + j] * x[r * d + i]);
          }
          float got = mapped.get(r, j);
          assertThat(Math.abs(got - want))
              .as("%s row %d col %d", k.description(), r, j)
              .isLessThanOrEqualTo(Math.ulp((float) want) + 1e-13 * scale);
        }
      }
      assertThat(mapped.row(77)).isEqualTo(mapped.row(0));
      // M-norm of the raw row equals the Euclidean norm of the mapped row
      float[] g = w.row(5);
      float[] mg = mapped.row(5);
      double s = 0;
      for (float v : mg) {
        s += (double) v * v;
      }
      assertThat(Math.sqrt(s))
          .isCloseTo(metric.norm(g), org.assertj.core.data.Offset.offset(1e-5 * metric.norm(g)));
    }
    EmbeddingMatrix view = w.select(new int[] {3, 40, 77});
    EmbeddingMatrix mv = metric.map(view, ProgressListener.NONE);
    assertThat(mv.ids()).containsExactly(3, 40, 77);
    assertThat(mv.row(2)).isEqualTo(metric.map(w, ProgressListener.NONE).row(77));
  }

  /** The CPU backend's row map is the map its causal kernels use: the same bits, the same ids. */
  @Test
  void cpuBackendMapRowsIsTheMetricsMap() {
    Random rnd = new Random(3);
    int d = 70;
    CausalMetric metric = CausalMetric.of(spd(rnd, d), d);
    EmbeddingMatrix w = EmbeddingMatrix.wrap(Float64Oracle.gaussian(rnd, 200, d), 200, d);
    EmbeddingMatrix view = w.select(new int[] {5, 17, 199});
    for (EmbeddingMatrix x : List.of(w, view)) {
      EmbeddingMatrix got =
          io.github.embeddinggeometry.backend.Backends.cpu()
              .mapRows(x, metric, ProgressListener.NONE);
      EmbeddingMatrix want = metric.map(x, ProgressListener.NONE);
      assertThat(got.compact().backingArray()).containsExactly(want.compact().backingArray());
      assertThat(got.ids()).containsExactly(want.ids());
    }
  }

  /** C = [[8/3, 4/3], [4/3, 8/3]] (det 16/3) and C + I (det 35/3), inverted by hand. */
  @Test
  void inverseOfAHandInvertedCovariance() {
    Covariance c =
        Covariance.of(new double[] {3, 4}, new double[] {8.0 / 3, 4.0 / 3, 4.0 / 3, 8.0 / 3}, 3);
    assertThat(CausalMetric.inverseOf(c, 0, ProgressListener.NONE).tensor())
        .containsExactly(new double[] {0.5, -0.25, -0.25, 0.5}, within(1e-15));
    assertThat(CausalMetric.inverseOf(c, 1, ProgressListener.NONE).tensor())
        .containsExactly(new double[] {11.0 / 35, -4.0 / 35, -4.0 / 35, 11.0 / 35}, within(1e-15));
    // a ridge of 1e300 gives M = I / 1e300 up to C's share, without underflow
    double[] huge = CausalMetric.inverseOf(c, 1e300, ProgressListener.NONE).tensor();
    assertThat(huge[0]).isCloseTo(1e-300, within(1e-312));
  }

  @Test
  void inverseOfASingularCovarianceNamesTheProblem() {
    // rows (0, 0), (2, 2): C = [[1, 1], [1, 1]], rank 1 from N = 2 <= d = 2
    Covariance rank1 = Covariance.of(new double[] {1, 1}, new double[] {1, 1, 1, 1}, 2);
    assertThatThrownBy(() -> CausalMetric.inverseOf(rank1, 0, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("C + ridge I (ridge = 0.0)")
        .hasMessageContaining("N <= d")
        .hasMessageContaining("pass a ridge, e.g. 1.0E-6");
    // with a ridge: (C + r I)^-1 = (1/(r (r + 2))) [[1 + r, -1], [-1, 1 + r]]
    double r = 0.5;
    double s = 1 / (r * (r + 2));
    assertThat(CausalMetric.inverseOf(rank1, r, ProgressListener.NONE).tensor())
        .containsExactly(new double[] {(1 + r) * s, -s, -s, (1 + r) * s}, within(1e-14));
    Covariance zero = Covariance.of(new double[2], new double[4], 5);
    assertThatThrownBy(() -> CausalMetric.inverseOf(zero, 0, ProgressListener.NONE))
        .hasMessageContaining("covariance of these 5 rows is zero");
    assertThat(CausalMetric.inverseOf(zero, 4, ProgressListener.NONE).tensor())
        .containsExactly(0.25, 0, 0, 0.25);
    assertThatThrownBy(() -> CausalMetric.inverseOf(zero, -1, ProgressListener.NONE))
        .hasMessageContaining("ridge must be finite and >= 0");
    assertThatThrownBy(() -> CausalMetric.inverseOf(zero, Double.NaN, ProgressListener.NONE))
        .hasMessageContaining("ridge must be finite and >= 0");
  }

  @Test
  void rejectsBadTensors() {
    assertThatThrownBy(() -> CausalMetric.of(new double[] {1, 2, 3}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d x d");
    assertThatThrownBy(() -> CausalMetric.of(new double[] {1, 2, 0, 1}, 2))
        .hasMessageContaining("not symmetric");
    assertThatThrownBy(() -> CausalMetric.of(new double[] {1, 2, 2, 1}, 2))
        .hasMessageContaining("not positive definite");
    assertThatThrownBy(() -> CausalMetric.of(new double[] {1, Double.NaN, Double.NaN, 1}, 2))
        .hasMessageContaining("not finite");
    CausalMetric m = CausalMetric.of(new double[] {4, 0, 0, 9}, 2);
    assertThatThrownBy(() -> m.map(EmbeddingMatrix.wrap(new float[3], 1, 3), ProgressListener.NONE))
        .hasMessageContaining("d = 3");
    assertThat(m.map(EmbeddingMatrix.wrap(new float[] {1, 1}, 1, 2), ProgressListener.NONE).row(0))
        .containsExactly(2f, 3f);
  }
}
