package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.testing.Float64Oracle;
import io.github.embeddinggeometry.testing.TestBackends;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CausalNormsTest {
  static Stream<ComputeBackend> backends() {
    return TestBackends.all();
  }

  /** Rows {@code mu +- sqrt(d) a_j} for the columns a_j of A: C = A A^T exactly (up to float32). */
  static EmbeddingMatrix cloudWithCovariance(double[][] a, double[] mu) {
    int d = mu.length;
    float[][] rows = new float[2 * d][d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < d; i++) {
        rows[2 * j][i] = (float) (mu[i] + Math.sqrt(d) * a[i][j]);
        rows[2 * j + 1][i] = (float) (mu[i] - Math.sqrt(d) * a[i][j]);
      }
    }
    return EmbeddingMatrix.copyOf(rows);
  }

  /** Gauss-Jordan inverse with partial pivoting, in double: independent of EJML and Cholesky. */
  static double[] invert(double[] m, int d) {
    double[][] a = new double[d][2 * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        a[i][j] = m[i * d + j];
      }
      a[i][d + i] = 1;
    }
    for (int col = 0; col < d; col++) {
      int p = col;
      for (int r = col + 1; r < d; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[p][col])) {
          p = r;
        }
      }
      double[] t = a[col];
      a[col] = a[p];
      a[p] = t;
      double piv = a[col][col];
      for (int j = 0; j < 2 * d; j++) {
        a[col][j] /= piv;
      }
      for (int r = 0; r < d; r++) {
        if (r != col) {
          double f = a[r][col];
          for (int j = 0; j < 2 * d; j++) {
            a[r][j] -= f * a[col][j];
          }
        }
      }
    }
    double[] out = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[i * d + j] = a[i][d + j];
      }
    }
    return out;
  }

  static double relativeError(double[] got, double[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < got.length; i++) {
      num += (got[i] - want[i]) * (got[i] - want[i]);
      den += want[i] * want[i];
    }
    return Math.sqrt(num / den);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void inverseOfAKnownCovarianceAndNorms(ComputeBackend backend) {
    int d = 6;
    Random rnd = new Random(8);
    double[][] a = new double[d][d];
    double[] mu = new double[d];
    for (int i = 0; i < d; i++) {
      mu[i] = rnd.nextGaussian();
      for (int j = 0; j < d; j++) {
        a[i][j] = (i == j ? 1.5 : 0) + 0.3 * rnd.nextGaussian();
      }
    }
    EmbeddingMatrix w = cloudWithCovariance(a, mu);
    CausalMetric m =
        CausalMetric.inverseOf(
            backend.covariance(w, ProgressListener.NONE), 0, ProgressListener.NONE);
    // Independent: C from the float rows in double, inverted by Gauss-Jordan.
    double[] c = Float64Oracle.covariance(w, Float64Oracle.mean(w));
    double[] want = invert(c, d);
    assertThat(relativeError(m.tensor(), want)).isLessThan(1e-6);
    // And against the planted A A^T (float32 rows: ~1e-7 relative).
    double[] s = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int k = 0; k < d; k++) {
          s[i * d + j] += a[i][k] * a[j][k];
        }
      }
    }
    assertThat(relativeError(m.tensor(), invert(s, d))).isLessThan(1e-5);

    double[] norms = CausalNorms.norms(w, m, ProgressListener.NONE);
    for (int r = 0; r < w.rows(); r++) {
      double q = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          q += w.get(r, i) * want[i * d + j] * w.get(r, j);
        }
      }
      assertThat(norms[r]).isCloseTo(Math.sqrt(q), within(1e-6 * Math.sqrt(q)));
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void causalDensityThroughTheCholeskyMapMatchesTheDirectQuadraticForm(ComputeBackend backend) {
    Random rnd = new Random(12);
    int d = 5;
    float[][] rows = new float[120][d];
    for (float[] r : rows) {
      for (int i = 0; i < d; i++) {
        r[i] = (float) (rnd.nextGaussian() * (i + 1));
      }
    }
    rows[7] = rows[3].clone();
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    CausalMetric m =
        CausalMetric.inverseOf(
            backend.covariance(w, ProgressListener.NONE), 1e-3, ProgressListener.NONE);
    io.github.embeddinggeometry.metric.MetricSpace causal =
        io.github.embeddinggeometry.metric.MetricSpace.causal(m);
    io.github.embeddinggeometry.density.DensityField f =
        io.github.embeddinggeometry.density.KnnDensity.of(3, backend.distanceKernel(causal))
            .estimate(w, ProgressListener.NONE);
    for (int i = 0; i < rows.length; i++) {
      double[] dist = new double[rows.length - 1];
      int k = 0;
      for (int j = 0; j < rows.length; j++) {
        if (j != i) {
          dist[k++] = Float64Oracle.distance(causal, rows[i], rows[j]);
        }
      }
      java.util.Arrays.sort(dist);
      double r = (dist[0] + dist[1] + dist[2]) / 3;
      assertThat(f.meanDistance(i)).isCloseTo(r, within(1e-5 + 1e-4 * r));
      if (i == 3 || i == 7) {
        assertThat(f.nearestDistance(i)).isEqualTo(0); // bitwise-equal rows: exactly 0
      } else {
        assertThat(f.nearestDistance(i)).isPositive();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void singularCovarianceNeedsARidge(ComputeBackend backend) {
    // 3 rows in d = 5: C has rank 2.
    EmbeddingMatrix w =
        EmbeddingMatrix.copyOf(new float[][] {{1, 2, 3, 4, 5}, {0, 1, 0, 1, 0}, {2, 2, 2, 2, 1}});
    assertThatThrownBy(
            () ->
                CausalMetric.inverseOf(
                    backend.covariance(w, ProgressListener.NONE), 0, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ridge")
        .hasMessageContaining("N <= d");
    double ridge = 0.1;
    CausalMetric m =
        CausalMetric.inverseOf(
            backend.covariance(w, ProgressListener.NONE), ridge, ProgressListener.NONE);
    double[] c = Float64Oracle.covariance(w, Float64Oracle.mean(w));
    for (int i = 0; i < 5; i++) {
      c[i * 5 + i] += ridge;
    }
    assertThat(relativeError(m.tensor(), invert(c, 5))).isLessThan(1e-6);
  }

  /**
   * d = 300 spans several depth blocks and column panels of the blocked product; selected
   * (non-contiguous, ids ascending) rows and a row repeated bitwise give the direct quadratic form
   * in float64.
   */
  @org.junit.jupiter.api.Test
  void normsOfWideRowsMatchTheQuadraticForm() {
    Random rnd = new Random(31);
    int d = 300;
    int n = 700;
    float[] data = Float64Oracle.gaussian(rnd, n, d);
    EmbeddingMatrix all = EmbeddingMatrix.wrap(data, n, d);
    CausalMetric m = Float64Oracle.randomMetric(rnd, d);
    int[] pick = new int[250];
    for (int i = 0; i < pick.length; i++) {
      pick[i] = (i * 37 + 5) % n;
    }
    System.arraycopy(data, pick[3] * d, data, pick[249] * d, d);
    EmbeddingMatrix w = all.select(pick);
    double[] norms = CausalNorms.norms(w, m, ProgressListener.NONE);
    double[] t = m.tensor();
    for (int r = 0; r < w.rows(); r++) {
      double q = 0;
      for (int i = 0; i < d; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += t[i * d + j] * w.get(r, j);
        }
        q += w.get(r, i) * s;
      }
      assertThat(norms[r]).isCloseTo(Math.sqrt(q), within(1e-9 * Math.sqrt(q)));
    }
    assertThat(norms[w.rowOf(pick[249])]).isEqualTo(norms[w.rowOf(pick[3])]);
  }
}
