package io.github.embeddinggeometry.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.testing.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PcaTest {
  static java.util.stream.Stream<ComputeBackend> backends() {
    return io.github.embeddinggeometry.testing.TestBackends.all();
  }

  /**
   * Rows {@code mu +- a_j q_j}: the mean is exactly mu and {@code C = sum_j a_j^2 q_j q_j^T / d},
   * so eigenvalue j is {@code a_j^2 / d} with eigenvector {@code q_j} (up to the library's sign
   * convention).
   */
  static EmbeddingMatrix plantedCloud(double[] mu, double[] a, double[][] q) {
    int d = mu.length;
    float[] data = new float[2 * d * d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < d; i++) {
        data[(2 * j) * d + i] = (float) (mu[i] + a[j] * q[j][i]);
        data[(2 * j + 1) * d + i] = (float) (mu[i] - a[j] * q[j][i]);
      }
    }
    return EmbeddingMatrix.wrap(data, 2 * d, d);
  }

  /** Expected sign: largest |component| positive, ties lowest index (written independently). */
  static double[] signed(double[] v) {
    int best = 0;
    for (int i = 0; i < v.length; i++) {
      if (Math.abs(v[i]) > Math.abs(v[best])) {
        best = i;
      }
    }
    double s = v[best] < 0 ? -1 : 1;
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = s * v[i];
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("backends")
  void axisAlignedCloudGivesKnownEigenvaluesAndSigns(ComputeBackend backend) {
    int d = 6;
    // Unsorted, exactly representable spreads; powers of two keep the float rows exact.
    double[] a = {1, 4, 0.5, 2, 8, 0.25};
    double[] mu = {0.5, -1, 2, 0, 0.25, 3};
    double[][] q = new double[d][d];
    for (int j = 0; j < d; j++) {
      q[j][j] = -1; // sign must come back positive
    }
    PcaResult r = Pca.fit(plantedCloud(mu, a, q), backend, ProgressListener.NONE);
    int[] order = {4, 1, 3, 0, 2, 5};
    for (int col = 0; col < d; col++) {
      int axis = order[col];
      assertThat(r.eigenvalue(col)).isCloseTo(a[axis] * a[axis] / d, within(1e-6));
      double[] pc = r.frame().axis(col + 1);
      for (int i = 0; i < d; i++) {
        assertThat(pc[i]).isCloseTo(i == axis ? 1 : 0, within(1e-6));
      }
    }
    assertThat(r.mean()).containsExactly(mu);
    double sum = 0;
    double sq = 0;
    for (double x : a) {
      sum += x * x / d;
      sq += Math.pow(x * x / d, 2);
    }
    assertThat(r.totalVariance()).isCloseTo(sum, within(1e-6));
    assertThat(r.participationRatio()).isCloseTo(sum * sum / sq, within(1e-6));
    assertThat(r.varianceExplained(0)).isCloseTo(64.0 / d / sum, within(1e-6));
    assertThat(r.cumulativeVariance(2)).isCloseTo((64.0 + 16) / d / sum, within(1e-6));
    assertThat(r.cumulativeVariance(d)).isCloseTo(1, within(1e-6));
    assertThat(
            backend.covariance(plantedCloud(mu, a, q), ProgressListener.NONE).participationRatio())
        .isCloseTo(sum * sum / sq, within(1e-6));
  }

  @ParameterizedTest
  @MethodSource("backends")
  void rotatedCloudFullAndLanczosMatchThePlantedBasis(ComputeBackend backend) {
    int d = 80; // >= 64: top() takes the Lanczos path
    Random rnd = new Random(11);
    double[][] q = randomOrthonormal(d, rnd);
    double[] a = new double[d];
    double[] mu = new double[d];
    for (int j = 0; j < d; j++) {
      a[j] = 0.2 + rnd.nextDouble() * 3;
      mu[j] = rnd.nextGaussian();
    }
    a[17] = 6;
    a[3] = 5.5;
    a[60] = 5;
    EmbeddingMatrix w = plantedCloud(mu, a, q);
    PcaResult full = Pca.fit(w, backend, ProgressListener.NONE);
    PcaResult top = Pca.top(w, 3, backend, ProgressListener.NONE);
    int[] leading = {17, 3, 60};
    for (int col = 0; col < 3; col++) {
      double[] expected = signed(q[leading[col]]);
      double lambda = a[leading[col]] * a[leading[col]] / d;
      for (PcaResult r : new PcaResult[] {full, top}) {
        // Rows are float32: C is off by ~1e-7 relative.
        assertThat(r.eigenvalue(col)).isCloseTo(lambda, within(1e-5 * lambda));
        double[] pc = r.frame().axis(col + 1);
        for (int i = 0; i < d; i++) {
          assertThat(pc[i]).isCloseTo(expected[i], within(1e-4));
        }
      }
    }
    assertThat(top.components()).isEqualTo(3);
    assertThat(top.participationRatio()).isCloseTo(full.participationRatio(), within(1e-9));
    assertThat(top.varianceExplained(1)).isCloseTo(full.varianceExplained(1), within(1e-9));
    double[] values = full.eigenvalues();
    for (int i = 1; i < d; i++) {
      assertThat(values[i]).isLessThanOrEqualTo(values[i - 1]);
    }
    // Columns orthonormal.
    double[] v = full.eigenvectors();
    for (int c1 = 0; c1 < d; c1 += 7) {
      for (int c2 = 0; c2 < d; c2 += 5) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += v[i * d + c1] * v[i * d + c2];
        }
        assertThat(s).isCloseTo(c1 == c2 ? 1 : 0, within(1e-10));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {Pca.OWN_SOLVER_FROM - 1, Pca.OWN_SOLVER_FROM, 170})
  void fullDecompositionMatchesEjmlOnBothSidesOfTheSolverThreshold(int d) {
    // C = X^T X / m: below the threshold Pca uses EJML itself, from it on SymmetricEigen; either
    // way it must give EJML's eigenpairs with the spec's normalisation and signs.
    Random rnd = new Random(d);
    int m = 3 * d;
    double[] x = new double[m * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian() / (1 + (i % d) * 0.05);
    }
    double[] c = new double[d * d];
    for (int p = 0; p < d; p++) {
      for (int q = 0; q < d; q++) {
        double s = 0;
        for (int i = 0; i < m; i++) {
          s += x[i * d + p] * x[i * d + q];
        }
        c[p * d + q] = s / m;
      }
    }
    PcaResult r = Pca.fit(Covariance.of(new double[d], c, m), ProgressListener.NONE);
    org.ejml.interfaces.decomposition.EigenDecomposition_F64<org.ejml.data.DMatrixRMaj> eig =
        org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(d, true, true);
    assertThat(eig.decompose(org.ejml.data.DMatrixRMaj.wrap(d, d, c.clone()))).isTrue();
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (u, w) -> Double.compare(eig.getEigenvalue(w).getReal(), eig.getEigenvalue(u).getReal()));
    double top = eig.getEigenvalue(order[0]).getReal();
    double[] v = r.eigenvectors();
    for (int col = 0; col < d; col++) {
      double lambda = eig.getEigenvalue(order[col]).getReal();
      assertThat(r.eigenvalue(col)).isCloseTo(lambda, within(1e-12 * top));
      double[] mine = new double[d];
      double[] ref = new double[d];
      double norm = 0;
      for (int i = 0; i < d; i++) {
        mine[i] = v[i * d + col];
        ref[i] = eig.getEigenVector(order[col]).get(i, 0);
        norm += ref[i] * ref[i];
      }
      assertThat(signed(mine)).as("column %d is signed", col).containsExactly(mine);
      double gap =
          Math.min(
              col > 0 ? r.eigenvalue(col - 1) - r.eigenvalue(col) : top,
              col < d - 1 ? r.eigenvalue(col) - r.eigenvalue(col + 1) : top);
      if (gap > 1e-6 * top) {
        double[] expected = signed(ref);
        for (int i = 0; i < d; i++) {
          assertThat(mine[i]).isCloseTo(expected[i] / Math.sqrt(norm), within(1e-9));
        }
      }
    }
  }

  @Test
  void lanczosFindsRepeatedAndZeroEigenvalues() {
    int d = 70;
    double[] c = new double[d * d];
    // diag(5, 5, 3, 0, 0, ...): an invariant Krylov space after 3 steps.
    c[0] = 5;
    c[d + 1] = 5;
    c[2 * d + 2] = 3;
    Covariance cov = Covariance.of(new double[d], c, 10);
    PcaResult r = Pca.top(cov, 3, ProgressListener.NONE);
    assertThat(r.eigenvalues()).containsExactly(new double[] {5, 5, 3}, within(1e-10));
    PcaResult four = Pca.top(cov, 4, ProgressListener.NONE);
    assertThat(four.eigenvalue(3)).isCloseTo(0, within(1e-10));
  }

  @Test
  void signTiesGoToTheLowestIndex() {
    double[] v = {-0.5, 0.5, 0.5, -0.5};
    Pca.fixSign(v);
    assertThat(v).containsExactly(0.5, -0.5, -0.5, 0.5);
    double[] u = {0.1, -0.7, 0.7};
    Pca.fixSign(u);
    assertThat(u).containsExactly(-0.1, 0.7, -0.7);
  }

  @Test
  void rejectsBadK() {
    EmbeddingMatrix w = EmbeddingMatrix.wrap(new float[] {1, 2, 3, 4}, 2, 2);
    assertThatThrownBy(() -> Pca.top(w, 3, new ReferenceBackend(), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k");
  }

  /** A NaN or infinite row is named by row and vocabulary id, before any covariance. */
  @Test
  void fitRejectsNonFiniteRowsNamingTheRow() {
    float[] data = new float[10 * 3];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 7;
    }
    data[7 * 3 + 2] = Float.NaN;
    EmbeddingMatrix w =
        EmbeddingMatrix.wrap(data, 10, 3).withIds(new int[] {0, 1, 2, 3, 4, 5, 6, 17, 18, 19});
    String expected =
        "row 7 (vocabulary id 17) of the rows holds NaN at column 2; the covariance is defined for"
            + " finite rows only";
    assertThatThrownBy(
            () -> Pca.fit(w, Backends.checked(new ReferenceBackend()), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected);
    assertThatThrownBy(() -> Pca.fit(w, Backends.cpu(), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected);
    data[7 * 3 + 2] = 0;
    data[3 * 3] = Float.NEGATIVE_INFINITY;
    assertThatThrownBy(
            () ->
                Pca.fit(
                    w, io.github.embeddinggeometry.backend.Backends.cpu(), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("row 3 (vocabulary id 3) of the rows holds -Infinity at column 0");
  }

  static double[][] randomOrthonormal(int d, Random rnd) {
    double[][] q = new double[d][d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < d; i++) {
        q[j][i] = rnd.nextGaussian();
      }
      for (int p = 0; p < j; p++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += q[j][i] * q[p][i];
        }
        for (int i = 0; i < d; i++) {
          q[j][i] -= s * q[p][i];
        }
      }
      double n = 0;
      for (int i = 0; i < d; i++) {
        n += q[j][i] * q[j][i];
      }
      for (int i = 0; i < d; i++) {
        q[j][i] /= Math.sqrt(n);
      }
    }
    return q;
  }
}
