package io.github.embeddinggeometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.testing.ReferenceBackend;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link Covariance} value: hand-checked moments, its checks, its participation ratio. */
class CovarianceTest {
  /** Rows (1, 2), (3, 6), (5, 4): mean (3, 4), deviations (-2, -2), (0, 2), (2, 0). */
  private static final EmbeddingMatrix THREE =
      EmbeddingMatrix.wrap(new float[] {1, 2, 3, 6, 5, 4}, 3, 2);

  static Stream<ComputeBackend> backends() {
    return Stream.of(Backends.cpu(), Backends.checked(new ReferenceBackend()));
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aBackendsMomentsOfThreeRowsByHand(ComputeBackend backend) {
    Covariance c = backend.covariance(THREE, ProgressListener.NONE);
    assertThat(c.rows()).isEqualTo(3);
    assertThat(c.dim()).isEqualTo(2);
    assertThat(c.mean()).containsExactly(new double[] {3, 4}, within(1e-15));
    // C = (1/3) [[4 + 0 + 4, 4 + 0 + 0], [4, 4 + 4 + 0]]
    assertThat(c.matrix())
        .containsExactly(new double[] {8.0 / 3, 4.0 / 3, 4.0 / 3, 8.0 / 3}, within(1e-15));
    assertThat(c.trace()).isCloseTo(16.0 / 3, within(1e-15));
    assertThat(c.frobeniusSquared()).isCloseTo(160.0 / 9, within(1e-14));
    // eigenvalues 4 and 4/3: (16/3)^2 / (16 + 16/9) = 1.6
    assertThat(c.participationRatio()).isCloseTo(1.6, within(1e-15));
    PcaResult pca = Pca.fit(c, ProgressListener.NONE);
    assertThat(pca.eigenvalues()).containsExactly(new double[] {4, 4.0 / 3}, within(1e-14));
    double h = Math.sqrt(0.5);
    // signed: the largest |component| positive, ties to the lower index
    assertThat(pca.eigenvectors()).containsExactly(new double[] {h, h, h, -h}, within(1e-14));
    assertThat(pca.mean()).containsExactly(c.mean());
    assertThat(pca.rows()).isEqualTo(3);
    assertThat(pca.participationRatio()).isCloseTo(1.6, within(1e-14));
  }

  @Test
  void participationRatioIsTheDirectFormula() {
    Random rnd = new Random(4);
    int d = 7;
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double v = rnd.nextGaussian();
        m[i * d + j] = v;
        m[j * d + i] = v;
      }
    }
    double t = 0;
    double f = 0;
    for (int i = 0; i < d; i++) {
      t += m[i * d + i];
      for (int j = 0; j < d; j++) {
        f += m[i * d + j] * m[i * d + j];
      }
    }
    Covariance c = Covariance.of(new double[d], m, 10);
    assertThat(c.participationRatio()).isCloseTo(t * t / f, within(1e-12 * t * t / f));
    assertThat(Covariance.of(new double[2], new double[4], 1).participationRatio()).isZero();
  }

  @Test
  void accessorsCopy() {
    double[] mean = {1, 2};
    double[] m = {2, 1, 1, 2};
    Covariance c = Covariance.of(mean, m, 5);
    mean[0] = 99;
    m[0] = 99;
    c.mean()[1] = 99;
    c.matrix()[3] = 99;
    assertThat(c.mean()).containsExactly(1, 2);
    assertThat(c.matrix()).containsExactly(2, 1, 1, 2);
  }

  @Test
  void ofRejectsBadInputNamingTheProblem() {
    assertThatThrownBy(() -> Covariance.of(new double[2], new double[3], 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d x d = 2 x 2")
        .hasMessageContaining("got 3 values");
    assertThatThrownBy(() -> Covariance.of(new double[0], new double[0], 1))
        .hasMessageContaining("d >= 1");
    assertThatThrownBy(() -> Covariance.of(new double[1], new double[1], 0))
        .hasMessageContaining("at least 1 row");
    assertThatThrownBy(() -> Covariance.of(new double[] {0, Double.NaN}, new double[4], 1))
        .hasMessageContaining("mean[1] is not finite");
    assertThatThrownBy(
            () -> Covariance.of(new double[2], new double[] {1, 0, Double.POSITIVE_INFINITY, 1}, 1))
        .hasMessageContaining("entry (0, 1) = 0.0 is not finite or differs from (1, 0) = Infinity");
    assertThatThrownBy(
            () -> Covariance.of(new double[2], new double[] {1, 0.5, 0.5, Double.NaN}, 1))
        .hasMessageContaining("entry (1, 1) = NaN");
    assertThatThrownBy(
            () -> Covariance.of(new double[2], new double[] {1, 0.5, Math.nextUp(0.5), 1}, 1))
        .hasMessageContaining("exactly symmetric");
  }
}
