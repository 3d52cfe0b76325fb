package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocked float32/float64 covariance against a float64 direct computation. */
class CovarianceTest {

  @ParameterizedTest(name = "N={0} d={1}")
  @CsvSource({"1, 5", "2, 1", "7, 17", "300, 7", "1000, 8", "5000, 33", "700, 207", "257, 300"})
  void matchesFloat64(int n, int d) {
    Random rnd = new Random(n * 131L + d);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      // an offset mean, as in real embeddings, so centring matters
      x[i] = (float) (0.5 + rnd.nextGaussian());
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += x[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[] want = new double[d * d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        double ci = x[r * d + i] - mean[i];
        for (int j = 0; j < d; j++) {
          want[i * d + j] += ci * (x[r * d + j] - mean[j]);
        }
      }
    }
    for (int i = 0; i < want.length; i++) {
      want[i] /= n;
    }
    for (TileKernel kern : Fixtures.kernels()) {
      List<Long> done = new ArrayList<>();
      double[] got = new CpuBackend(kern).covariance(w, mean,
          (task, dn, total) -> {
            synchronized (done) {
              done.add(dn);
            }
            assertThat(total).isEqualTo(n);
          });
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double g = got[i * d + j];
          double e = want[i * d + j];
          if (Math.abs(g - e) > 1e-6 * (1 + Math.abs(e))) {
            fail(kern.description() + ": C[" + i + "][" + j + "] = " + g + ", float64 says " + e);
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
      // deterministic: the same bits again
      double[] again = new CpuBackend(kern).covariance(w, mean, ProgressListener.NONE);
      assertThat(again).isEqualTo(got);
    }
  }
}
