package io.github.embeddinggeometry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of {@link ComputeBackend} beyond its kernels: the mean (1e-12 relative) and the
 * covariance (1e-6 relative) against {@link Float64Oracle}, symmetric and the same bits on every
 * run, progress that never goes back and ends at N, the argument checks, and an idempotent close.
 */
public abstract class ComputeBackendContract extends BackendContract {
  @ParameterizedTest(name = "N={0} d={1}")
  @CsvSource({"1, 5", "2, 1", "7, 17", "300, 7", "1000, 8", "5000, 33", "700, 207", "257, 300"})
  void covarianceMatchesFloat64(int n, int d) {
    Random rnd = new Random(n * 131L + d);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      // an offset mean, as in real embeddings, so centring matters
      x[i] = (float) (0.5 + rnd.nextGaussian());
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    double[] mean = Float64Oracle.mean(w);
    double[] want = Float64Oracle.covariance(w, mean);
    List<Long> done = new ArrayList<>();
    Covariance cov =
        backend.covariance(
            w,
            (task, dn, total) -> {
              synchronized (done) {
                done.add(dn);
              }
              assertThat(total).isEqualTo(n);
            });
    assertThat(cov.rows()).isEqualTo(n);
    assertThat(cov.dim()).isEqualTo(d);
    double[] gotMean = cov.mean();
    for (int j = 0; j < d; j++) {
      if (Math.abs(gotMean[j] - mean[j]) > 1e-12 * (1 + Math.abs(mean[j]))) {
        fail(
            backend.description()
                + ": mean["
                + j
                + "] = "
                + gotMean[j]
                + ", float64 says "
                + mean[j]);
      }
    }
    double[] got = cov.matrix();
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double g = got[i * d + j];
        double e = want[i * d + j];
        if (Math.abs(g - e) > 1e-6 * (1 + Math.abs(e))) {
          fail(backend.description() + ": C[" + i + "][" + j + "] = " + g + ", float64 says " + e);
        }
        if (g != got[j * d + i]) {
          fail("not symmetric at " + i + ", " + j);
        }
      }
    }
    for (int i = 1; i < done.size(); i++) {
      assertThat(done.get(i)).isGreaterThanOrEqualTo(done.get(i - 1));
    }
    assertThat(done.get(done.size() - 1)).isEqualTo(n);
    Covariance again = backend.covariance(w, ProgressListener.NONE);
    assertThat(again.matrix()).isEqualTo(got);
    assertThat(again.mean()).isEqualTo(gotMean);
  }

  @Test
  void covarianceArgumentsAreChecked() {
    EmbeddingMatrix none = EmbeddingMatrix.wrap(new float[0], 0, 2);
    assertThatThrownBy(() -> backend.covariance(none, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 rows");
    EmbeddingMatrix w = EmbeddingMatrix.wrap(new float[] {1, 2, 3, Float.NaN}, 2, 2);
    assertThatThrownBy(() -> backend.covariance(w, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1");
  }

  @Test
  void describesItselfAndClosesIdempotently() {
    assertThat(backend.name()).isNotBlank();
    assertThat(backend.description()).isNotBlank();
    ComputeBackend extra = Backends.checked(create());
    extra.close();
    extra.close();
  }
}
