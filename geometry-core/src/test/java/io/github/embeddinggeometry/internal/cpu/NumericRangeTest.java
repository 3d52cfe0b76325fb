package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every finite input, however large or small, gives correct numbers: the kernels work in a domain
 * scaled by a power of two (exact), so a matrix scaled by 2^100 or 2^-100 gives exactly the scaled
 * statistics, and rows of 1e30 beside subnormal rows agree with float64.
 */
class NumericRangeTest {
  private static final int N = 160;
  private static final int D = 37;

  private static List<ComputeBackend> backends() {
    List<ComputeBackend> out = new ArrayList<>();
    out.add(Backends.checked(new CpuBackend(Kernels.scalar())));
    Kernels.vectorKernel().ifPresent(k -> out.add(Backends.checked(new CpuBackend(k))));
    return out;
  }

  /** Gaussian rows with a few bitwise copies (exact zeros) and near-copies (refined pairs). */
  private static float[] base() {
    Random rnd = new Random(77);
    float[] x = Float64Oracle.gaussian(rnd, N, D);
    System.arraycopy(x, 0, x, 5 * D, D);
    System.arraycopy(x, 0, x, 9 * D, D);
    for (int k = 0; k < D; k++) {
      x[7 * D + k] = x[3 * D + k] * (1 + 1e-4f * (float) rnd.nextGaussian());
    }
    return x;
  }

  private static EmbeddingMatrix times(float[] x, int exp) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.scalb(x[i], exp);
    }
    return EmbeddingMatrix.wrap(y, N, D);
  }

  @Test
  void scalingTheMatrixByAPowerOfTwoScalesEveryResultExactly() {
    float[] x = base();
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, N, D);
    for (ComputeBackend backend : backends()) {
      DistanceKernel euclid = backend.distanceKernel(MetricSpace.euclidean());
      DistanceKernel cosine = backend.distanceKernel(MetricSpace.cosine());
      float[] dist = euclid.distances(w, w);
      float[] cos = cosine.distances(w, w);
      Neighbours nn = euclid.nearest(w, 6, ProgressListener.NONE);
      DistanceStatistics stats = DistanceStatistics.of(w, euclid, ProgressListener.NONE);
      Covariance moments = backend.covariance(w, ProgressListener.NONE);
      double[] mean = moments.mean();
      double[] cov = moments.matrix();
      PcaResult pca = Pca.fit(moments, ProgressListener.NONE);
      for (int exp : new int[] {100, -100}) {
        String ctx = backend.description() + " x 2^" + exp;
        EmbeddingMatrix s = times(x, exp);
        float[] sd = euclid.distances(s, s);
        for (int i = 0; i < sd.length; i++) {
          assertThat(sd[i]).as(ctx + " d[%d]", i).isEqualTo(Math.scalb(dist[i], exp));
        }
        assertThat(cosine.distances(s, s)).as(ctx).containsExactly(cos);
        Neighbours sn = euclid.nearest(s, 6, ProgressListener.NONE);
        assertThat(sn.indices()).as(ctx).containsExactly(nn.indices());
        float[] nd = nn.distances();
        float[] snd = sn.distances();
        for (int i = 0; i < nd.length; i++) {
          assertThat(snd[i]).as(ctx).isEqualTo(Math.scalb(nd[i], exp));
        }
        DistanceStatistics ss = DistanceStatistics.of(s, euclid, ProgressListener.NONE);
        assertThat(ss.exactZeroPairs()).isEqualTo(stats.exactZeroPairs()).isEqualTo(3);
        assertThat(ss.min()).isEqualTo(Math.scalb(stats.min(), exp));
        assertThat(ss.median()).isEqualTo(Math.scalb(stats.median(), exp));
        assertThat(ss.max()).isEqualTo(Math.scalb(stats.max(), exp));
        assertThat(ss.mean()).isEqualTo(Math.scalb(stats.mean(), exp));
        Covariance smoments = backend.covariance(s, ProgressListener.NONE);
        double[] smean = smoments.mean();
        for (int i = 0; i < D; i++) {
          assertThat(smean[i]).as(ctx + " mean[%d]", i).isEqualTo(Math.scalb(mean[i], exp));
        }
        double[] scov = smoments.matrix();
        for (int i = 0; i < cov.length; i++) {
          assertThat(scov[i]).as(ctx + " C[%d]", i).isEqualTo(Math.scalb(cov[i], 2 * exp));
        }
        PcaResult spca = Pca.fit(smoments, ProgressListener.NONE);
        for (int i = 0; i < D; i++) {
          assertThat(spca.eigenvalue(i)).isEqualTo(Math.scalb(pca.eigenvalue(i), 2 * exp));
        }
        assertThat(spca.eigenvectors()).containsExactly(pca.eigenvectors());
        assertThat(spca.participationRatio()).isEqualTo(pca.participationRatio());
      }
    }
  }

  /**
   * Rows multiplied by 1e30, a pair at +-1.2e19 and two subnormal rows (1e-41), beside ordinary
   * ones: distances, covariance and PCA against float64.
   */
  @Test
  void hugeAndSubnormalRowsAgreeWithFloat64() {
    Random rnd = new Random(3);
    int n = 60;
    int d = 9;
    float[] x = Float64Oracle.gaussian(rnd, n, d);
    for (int r : new int[] {4, 11, 30}) {
      for (int k = 0; k < d; k++) {
        x[r * d + k] *= 1e30f;
      }
    }
    for (int k = 0; k < d; k++) {
      x[20 * d + k] = 1.2e19f;
      x[21 * d + k] = -1.2e19f;
      x[40 * d + k] = 1e-41f * (1 + k);
      x[41 * d + k] = -1e-41f * (2 + k);
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    double[] want = Float64Oracle.matrix(MetricSpace.euclidean(), w, w);
    double[] wantCos = Float64Oracle.matrix(MetricSpace.cosine(), w, w);
    double[] mean = Float64Oracle.mean(w);
    double[] wantCov = Float64Oracle.covariance(w, mean);
    double covScale = 0;
    for (double v : wantCov) {
      covScale = Math.max(covScale, Math.abs(v));
    }
    for (ComputeBackend backend : backends()) {
      String ctx = backend.description();
      float[] got = backend.distanceKernel(MetricSpace.euclidean()).distances(w, w);
      float[] cos = backend.distanceKernel(MetricSpace.cosine()).distances(w, w);
      for (int i = 0; i < got.length; i++) {
        assertThat(Float.isFinite(got[i])).as(ctx + " finite d[%d]", i).isTrue();
        // float32 resolution: 1e-6 relative, or one subnormal step for the subnormal pair
        assertThat(Math.abs(got[i] - want[i]))
            .as(ctx + " d(%d, %d) = %s, float64 %s", i / n, i % n, got[i], want[i])
            .isLessThanOrEqualTo(1e-6 * want[i] + Float.MIN_VALUE);
        assertThat(Math.abs(cos[i] - wantCos[i])).as(ctx + " cosine %d", i).isLessThan(1e-6);
      }
      assertThat(got[20 * n + 21]).isEqualTo((float) (2.4e19 * Math.sqrt(d)), within(2e13f));
      Neighbours nn =
          backend.distanceKernel(MetricSpace.euclidean()).nearest(w, 1, ProgressListener.NONE);
      assertThat(nn.index(40, 0))
          .as(ctx + " the subnormal rows are each other's nearest")
          .isEqualTo(41);
      double[] cov = backend.covariance(w, ProgressListener.NONE).matrix();
      // The three rows of 1e30 are heavy (summed in double), so the float32 chunk sums of the
      // others no longer round against them: 1e-6 of the largest entry, as for ordinary rows.
      for (int i = 0; i < cov.length; i++) {
        assertThat(Math.abs(cov[i] - wantCov[i]))
            .as(ctx + " C[%d]", i)
            .isLessThanOrEqualTo(1e-6 * covScale);
      }
      PcaResult pca = Pca.fit(w, backend, ProgressListener.NONE);
      PcaResult ref = Pca.fit(Covariance.of(mean, wantCov, n), ProgressListener.NONE);
      for (int i = 0; i < d; i++) {
        assertThat(Math.abs(pca.eigenvalue(i) - ref.eigenvalue(i)))
            .as(ctx + " lambda %d", i)
            .isLessThanOrEqualTo(1e-6 * ref.eigenvalue(0));
      }
      double[] v = pca.eigenvectors();
      double[] r = ref.eigenvectors();
      double dot = 0;
      for (int i = 0; i < d; i++) {
        dot += v[i * d] * r[i * d];
      }
      assertThat(Math.abs(dot)).as(ctx + " PC1").isGreaterThan(1 - 1e-9);
    }
  }

  private static org.assertj.core.data.Offset<Float> within(float tol) {
    return org.assertj.core.data.Offset.offset(tol);
  }

  @Test
  void aZeroCovarianceSaysWhatIsDegenerate() {
    float[] x = new float[20 * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 4) + 0.5f;
    }
    EmbeddingMatrix same = EmbeddingMatrix.wrap(x, 20, 4);
    assertThatThrownBy(
            () ->
                CausalMetric.inverseOf(
                    Backends.cpu().covariance(same, ProgressListener.NONE),
                    0,
                    ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("covariance of these 20 rows is zero")
        .hasMessageContaining("all rows are equal")
        .hasMessageNotContaining("e-3");
    assertThat(
            CausalMetric.inverseOf(
                    Backends.cpu().covariance(same, ProgressListener.NONE),
                    0.5,
                    ProgressListener.NONE)
                .tensor()[0])
        .isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-12));
  }
}
