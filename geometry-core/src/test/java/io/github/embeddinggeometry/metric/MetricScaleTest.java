package io.github.embeddinggeometry.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.CausalNorms;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.density.DensityField;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A causal metric far from unit scale gives the answers of {@code M = I}: {@code M = 2^k I} for
 * every even k in [-330, 330] (M = 1e-100 I made every distance 0 and M = 1e100 I every distance
 * infinite), and a ridge up to 1e300 (M = (C + ridge I)^-1, about I / ridge). The reference is
 * {@code M = I}, itself checked against float64 Euclidean distances.
 */
class MetricScaleTest {
  private static final int N = 300;
  private static final int D = 8;
  private static final int K = 10;
  private static EmbeddingMatrix w;
  private static Neighbours unit;
  private static int unitDensest;

  @BeforeAll
  static void reference() {
    Random rnd = new Random(22);
    float[] x = new float[N * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    w = EmbeddingMatrix.wrap(x, N, D);
    try (DistanceKernel k = kernel(CausalMetric.of(identity(), D))) {
      unit = k.nearest(w, K, ProgressListener.NONE);
      unitDensest = DensityField.of(unit).densestRow();
    }
    // M = I is Euclidean: check the reference against float64.
    for (int r = 0; r < N; r++) {
      for (int j = 0; j < K; j++) {
        double direct = 0;
        int b = unit.index(r, j);
        for (int c = 0; c < D; c++) {
          double t = (double) x[r * D + c] - x[b * D + c];
          direct += t * t;
        }
        assertThat((double) unit.distance(r, j)).isCloseTo(Math.sqrt(direct), within(1e-5));
      }
    }
  }

  private static double[] identity() {
    double[] m = new double[D * D];
    for (int i = 0; i < D; i++) {
      m[i * D + i] = 1;
    }
    return m;
  }

  private static DistanceKernel kernel(CausalMetric m) {
    return Backends.cpu().distanceKernel(MetricSpace.causal(m));
  }

  @Test
  void powersOfTwoScaleDistancesExactlyAndKeepTheOrder() {
    float[] unitBlock;
    try (DistanceKernel k = kernel(CausalMetric.of(identity(), D))) {
      unitBlock = k.distances(w.slice(0, 20), w);
    }
    for (int p = -330; p <= 330; p += 2) {
      double[] m = identity();
      for (int i = 0; i < D; i++) {
        m[i * D + i] = Math.scalb(1.0, p);
      }
      int half = p / 2;
      try (DistanceKernel k = kernel(CausalMetric.of(m, D))) {
        Neighbours nb = k.nearest(w, K, ProgressListener.NONE);
        assertThat(DensityField.of(nb).densestRow()).as("2^%d I", p).isEqualTo(unitDensest);
        for (int r = 0; r < N; r++) {
          assertThat(nb.meanDistance(r))
              .as("2^%d I, row %d", p, r)
              .isEqualTo(Math.scalb(unit.meanDistance(r), half));
          for (int j = 0; j < K; j++) {
            assertThat(nb.index(r, j))
                .as("2^%d I, row %d rank %d", p, r, j)
                .isEqualTo(unit.index(r, j));
            // float32 holds 2^half d where it can; (float) rounds to 0 or infinity where not
            assertThat(nb.distance(r, j))
                .isEqualTo((float) Math.scalb((double) unit.distance(r, j), half));
          }
        }
        float[] block = k.distances(w.slice(0, 20), w);
        for (int i = 0; i < block.length; i++) {
          assertThat(block[i]).isEqualTo((float) Math.scalb((double) unitBlock[i], half));
        }
      }
    }
  }

  @Test
  void hugeRidgesKeepTheDensestRowAndTheOrder() {
    for (double ridge : new double[] {1e10, 1e100, 1e200, 1e300}) {
      CausalMetric m =
          CausalMetric.inverseOf(
              Backends.cpu().covariance(w, ProgressListener.NONE), ridge, ProgressListener.NONE);
      double scale = 1 / Math.sqrt(ridge); // M = (C + ridge I)^-1 = I / ridge to 1e-10
      try (DistanceKernel k = kernel(m)) {
        Neighbours nb = k.nearest(w, K, ProgressListener.NONE);
        assertThat(DensityField.of(nb).densestRow()).as("ridge %s", ridge).isEqualTo(unitDensest);
        for (int r = 0; r < N; r++) {
          assertThat(nb.meanDistance(r) / scale)
              .as("ridge %s, row %d", ridge, r)
              .isCloseTo(unit.meanDistance(r), within(1e-5 * unit.meanDistance(r)));
          for (int j = 0; j < K; j++) {
            assertThat(nb.index(r, j)).isEqualTo(unit.index(r, j));
          }
        }
      }
      double[] norms = CausalNorms.norms(w, m, ProgressListener.NONE);
      float[] row = w.row(7);
      double euclid = 0;
      for (float v : row) {
        euclid += (double) v * v;
      }
      assertThat(norms[7] / scale).isCloseTo(Math.sqrt(euclid), within(1e-6 * Math.sqrt(euclid)));
    }
  }

  @Test
  void tinyAndHugeTensorsFactoriseAtUnitScale() {
    for (double s : new double[] {Double.MIN_VALUE * 16, 1e-300, 1e-100, 1e100, 1e300, 1.7e308}) {
      double[] m = identity();
      m[1] = m[D] = 0.5; // off-diagonal, so the factor is not diagonal
      for (int i = 0; i < m.length; i++) {
        m[i] *= s;
      }
      CausalMetric metric = CausalMetric.of(m, D);
      double[] l = metric.choleskyLower();
      // L L^T = M, relative to the scale
      for (int i = 0; i < D; i++) {
        for (int j = 0; j <= i; j++) {
          double lt = 0;
          for (int c = 0; c <= j; c++) {
            lt += l[i * D + c] / Math.sqrt(s) * (l[j * D + c] / Math.sqrt(s));
          }
          assertThat(lt).as("scale %s (%d,%d)", s, i, j).isCloseTo(m[i * D + j] / s, within(1e-6));
        }
      }
      float[] g = {1, 2, 0, 0, 0, 0, 0, 3};
      // g^T M g / s = 1 + 4 + 9 + 2 * 0.5 * 1 * 2
      assertThat(metric.norm(g) / Math.sqrt(s)).isCloseTo(Math.sqrt(16), within(1e-6));
    }
  }

  @Test
  void pairwiseStatisticsScaleExactlyWhereFloat32HoldsThem() {
    DistanceStatistics unitStats;
    try (DistanceKernel k = kernel(CausalMetric.of(identity(), D))) {
      unitStats = DistanceStatistics.of(w, k, ProgressListener.NONE);
    }
    for (int p : new int[] {-80, -2, 2, 80}) {
      double[] m = identity();
      for (int i = 0; i < D; i++) {
        m[i * D + i] = Math.scalb(1.0, p);
      }
      try (DistanceKernel k = kernel(CausalMetric.of(m, D))) {
        DistanceStatistics s = DistanceStatistics.of(w, k, ProgressListener.NONE);
        int half = p / 2;
        assertThat(s.min()).isEqualTo(Math.scalb(unitStats.min(), half));
        assertThat(s.median()).isEqualTo(Math.scalb(unitStats.median(), half));
        assertThat(s.max()).isEqualTo(Math.scalb(unitStats.max(), half));
        assertThat(s.mean()).isEqualTo(Math.scalb(unitStats.mean(), half));
      }
    }
  }
}
