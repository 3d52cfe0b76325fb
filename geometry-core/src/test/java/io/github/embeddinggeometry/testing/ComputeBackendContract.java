package io.github.embeddinggeometry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.metric.CausalMetric;
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

  /**
   * The causal row map against the direct formula {@code (L^T w)_j = sum_{i >= j} L_ij w_i} in
   * float64, on rows that span several tiles (d = 37, 130), a view of selected rows keeping its
   * ids, and a bitwise duplicate mapped to the same bits.
   */
  @ParameterizedTest(name = "N={0} d={1}")
  @CsvSource({"1, 1", "45, 37", "300, 130"})
  void mapRowsMatchesTheDirectFormula(int n, int d) {
    Random rnd = new Random(n * 7L + d);
    CausalMetric metric = Float64Oracle.randomMetric(rnd, d);
    double[] l = metric.choleskyLower();
    float[] x = Float64Oracle.gaussian(rnd, n, d);
    if (n > 2) {
      System.arraycopy(x, 0, x, (n - 1) * d, d);
    }
    EmbeddingMatrix all = EmbeddingMatrix.wrap(x, n, d);
    int[] pick = new int[(n + 1) / 2];
    for (int i = 0; i < pick.length; i++) {
      pick[i] = 2 * i;
    }
    for (EmbeddingMatrix w : List.of(all, all.select(pick))) {
      EmbeddingMatrix got = backend.mapRows(w, metric, ProgressListener.NONE);
      assertThat(got.rows()).isEqualTo(w.rows());
      assertThat(got.dim()).isEqualTo(d);
      assertThat(got.ids()).containsExactly(w.ids());
      for (int r = 0; r < w.rows(); r++) {
        double[] want = new double[d];
        double norm = 0;
        for (int j = 0; j < d; j++) {
          for (int i = j; i < d; i++) {
            want[j] += l[i * d + j] * w.get(r, i);
          }
          norm += want[j] * want[j];
        }
        double tol = 1e-6 * Math.sqrt(norm) + Float.MIN_NORMAL;
        for (int j = 0; j < d; j++) {
          if (Math.abs(got.get(r, j) - want[j]) > tol) {
            fail(
                backend.description()
                    + ": (L^T w)["
                    + r
                    + "]["
                    + j
                    + "] = "
                    + got.get(r, j)
                    + ", float64 says "
                    + want[j]);
          }
        }
      }
    }
    EmbeddingMatrix mapped = backend.mapRows(all, metric, ProgressListener.NONE);
    if (n > 2) {
      for (int j = 0; j < d; j++) {
        assertThat(mapped.get(n - 1, j)).isEqualTo(mapped.get(0, j));
      }
    }
    EmbeddingMatrix bad = EmbeddingMatrix.wrap(new float[2 * d], 2, d);
    bad.backingArray()[d] = Float.NaN;
    assertThatThrownBy(() -> backend.mapRows(bad, metric, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1");
    EmbeddingMatrix wide = EmbeddingMatrix.wrap(new float[d + 1], 1, d + 1);
    assertThatThrownBy(() -> backend.mapRows(wide, metric, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d = " + (d + 1));
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
