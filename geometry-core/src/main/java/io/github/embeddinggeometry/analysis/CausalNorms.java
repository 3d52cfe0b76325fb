package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import io.github.embeddinggeometry.metric.CausalMetric;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * The causal (Mahalanobis) metric estimated from the data, and causal norms (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#causal-metric">causal
 * metric</a>).
 *
 * <p>{@link #inverseCovariance} estimates {@code M = (C + ridge I)^-1} from the biased covariance C
 * (the PCA's); a given M is wrapped with {@link CausalMetric#of(double[], int)} instead. Causal
 * distances come from a kernel of {@code MetricSpace.causal(m)}, which maps rows by the Cholesky
 * factor; {@link #norms} uses the same map.
 *
 * @since 0.1
 */
public final class CausalNorms {
  /**
   * A Cholesky pivot {@code L_ii^2} below this fraction of the largest diagonal entry of C counts
   * as singular: the inverse would be dominated by rounding.
   */
  static final double SINGULAR_PIVOT = 1e-12;

  private CausalNorms() {}

  /**
   * Estimates {@code M = (C + ridge I)^-1} (EJML, via Cholesky of the symmetric C).
   *
   * @param w the rows. Not modified.
   * @param ridge added to the diagonal of C before inverting, &gt;= 0 (0 for the plain inverse), in
   *     the units of C (embedding units squared)
   * @param backend computes the covariance
   * @param progress receives progress and may cancel. Not modified.
   * @return the metric M with its Cholesky factor
   * @throws IllegalArgumentException if {@code C + ridge I} is singular or not positive definite
   *     (e.g. fewer rows than dimensions), with a suggested ridge; or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static CausalMetric inverseCovariance(
      EmbeddingMatrix w, double ridge, ComputeBackend backend, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(backend, "backend");
    if (!(ridge >= 0) || !Double.isFinite(ridge)) {
      throw new IllegalArgumentException("ridge must be finite and >= 0; got " + ridge);
    }
    double[] mean = Pca.mean(w, progress);
    double[] c = backend.covariance(w, mean, progress);
    return inverse(c, w.dim(), ridge, w.rows(), progress);
  }

  /**
   * {@code M = (C + ridge I)^-1} of a given symmetric covariance.
   *
   * @param covariance row-major d x d. Not modified.
   * @param d the dimension
   * @param ridge added to the diagonal before inverting, &gt;= 0
   * @param rows N the covariance came from, for the error message only
   * @param progress receives progress and may cancel. Not modified.
   * @return the metric M with its Cholesky factor
   * @throws IllegalArgumentException if {@code covariance} is not d x d, or {@code C + ridge I} is
   *     singular or not positive definite (with a suggested ridge)
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static CausalMetric inverse(
      double[] covariance, int d, double ridge, int rows, ProgressListener progress) {
    if ((long) d * d != covariance.length) {
      throw new IllegalArgumentException(
          "covariance must be d x d = " + d + " x " + d + "; got " + covariance.length);
    }
    ProgressListener.checkCancelled(progress);
    progress.progress("inverse covariance", 0, 1);
    if (ridge == 0 && isZero(covariance)) {
      throw new IllegalArgumentException(
          "the covariance of these "
              + rows
              + " rows is zero: "
              + (rows == 1 ? "a single row has" : "all rows are equal, so they have")
              + " no spread to invert and no causal metric can be estimated from them; pass a"
              + " metric tensor, or a ridge > 0 for M = I / ridge");
    }
    DMatrixRMaj a = new DMatrixRMaj(d, d);
    double maxDiag = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        a.set(i, j, 0.5 * (covariance[i * d + j] + covariance[j * d + i]));
      }
      a.add(i, i, ridge);
      maxDiag = Math.max(maxDiag, a.get(i, i));
    }
    double suggested = Math.max(maxDiag, Double.MIN_NORMAL) * 1e-6;
    String hint =
        "; the covariance of "
            + rows
            + " rows in d = "
            + d
            + (rows <= d ? " (N <= d: it is" + " singular)" : "")
            + " cannot be inverted as is: pass a ridge, e.g. "
            + suggested
            + " (1e-6 x the largest variance)";
    if (!(maxDiag > 0)) {
      throw new IllegalArgumentException("C + ridge I is zero or negative on the diagonal" + hint);
    }
    // Factorised and inverted at unit scale (C + ridge I times 2^-s, exact), so that a ridge of
    // 1e300 neither underflows the inverse nor leaves it a subnormal: M = 2^-s (2^-s (C + ridge
    // I))^-1, handed on with its power of two.
    // An even power, so that the factor scales exactly too (square roots of powers of four).
    int shift = 2 * Math.floorDiv(CausalMap.binaryExponent(maxDiag), 2);
    for (int i = 0; i < a.data.length; i++) {
      a.data[i] = Math.scalb(a.data[i], -shift);
    }
    double scaledMaxDiag = Math.scalb(maxDiag, -shift);
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(d, true);
    if (!chol.decompose(a.copy())) {
      throw new IllegalArgumentException(
          "C + ridge I (ridge = " + ridge + ") is not positive definite: Cholesky failed" + hint);
    }
    DMatrixRMaj l = chol.getT(null);
    for (int i = 0; i < d; i++) {
      double p = l.get(i, i);
      if (!(p * p > SINGULAR_PIVOT * scaledMaxDiag)) {
        throw new IllegalArgumentException(
            "C + ridge I (ridge = "
                + ridge
                + ") is numerically singular: Cholesky pivot "
                + i
                + " is "
                + Math.scalb(p * p, shift)
                + " against a largest variance of "
                + maxDiag
                + hint);
      }
    }
    // M = L^-T L^-1: invert the triangular factor, then multiply (both in double).
    double[] linv = invertLower(l.data, d, progress);
    double[] m = new double[d * d];
    Parallel.run(
        "inverse covariance",
        d,
        d,
        () -> null,
        (state, i) -> {
          // M_ij = sum_k Linv[k][i] Linv[k][j], k >= max(i, j).
          for (int j = 0; j <= i; j++) {
            double s = 0;
            for (int k = i; k < d; k++) {
              s += linv[k * d + i] * linv[k * d + j];
            }
            m[i * d + j] = s;
          }
          return 1;
        },
        Parallel.silent(progress));
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) {
        m[i * d + j] = m[j * d + i];
      }
    }
    progress.progress("inverse covariance", 1, 1);
    return CausalMetric.of(m, d, -shift);
  }

  private static boolean isZero(double[] c) {
    for (double x : c) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * As {@link #inverseCovariance(EmbeddingMatrix, double, ComputeBackend, ProgressListener)},
   * without progress reports.
   *
   * @param w the rows. Not modified.
   * @param ridge added to the diagonal of C before inverting, &gt;= 0 (0 for the plain inverse)
   * @param backend computes the covariance
   * @return the metric M with its Cholesky factor
   * @throws IllegalArgumentException if {@code C + ridge I} is singular or not positive definite,
   *     with a suggested ridge; or a row is not finite
   */
  public static CausalMetric inverseCovariance(
      EmbeddingMatrix w, double ridge, ComputeBackend backend) {
    return inverseCovariance(w, ridge, backend, ProgressListener.NONE);
  }

  /**
   * As {@link #inverse(double[], int, double, int, ProgressListener)}, without progress reports.
   *
   * @param covariance row-major d x d. Not modified.
   * @param d the dimension
   * @param ridge added to the diagonal before inverting, &gt;= 0
   * @param rows N the covariance came from, for the error message only
   * @return the metric M with its Cholesky factor
   * @throws IllegalArgumentException if {@code covariance} is not d x d, or {@code C + ridge I} is
   *     singular or not positive definite (with a suggested ridge)
   */
  public static CausalMetric inverse(double[] covariance, int d, double ridge, int rows) {
    return inverse(covariance, d, ridge, rows, ProgressListener.NONE);
  }

  /** Inverse of a lower-triangular row-major d x d matrix by forward substitution, in double. */
  private static double[] invertLower(double[] l, int d, ProgressListener progress) {
    double[] inv = new double[d * d];
    Parallel.run(
        "inverse covariance",
        d,
        d,
        () -> null,
        (state, col) -> {
          // Column col of L^-1 solves L x = e_col; x_i = 0 for i < col.
          double[] x = new double[d];
          for (int i = col; i < d; i++) {
            double s = i == col ? 1 : 0;
            int li = i * d;
            for (int k = col; k < i; k++) {
              s -= l[li + k] * x[k];
            }
            x[i] = s / l[li + i];
          }
          for (int i = col; i < d; i++) {
            inv[i * d + col] = x[i];
          }
          return 1;
        },
        Parallel.silent(progress));
    return inv;
  }

  /**
   * Causal norms {@code ||g||_M = sqrt(g^T M g)} of the raw (uncentred) rows, computed as {@code
   * ||L^T g||} in double (the notebook's definition), one per row in row order. The products are
   * those of the causal kernel's row map ({@link CausalMetric#map}) before it rounds them to
   * float32; each norm depends only on its row and M, never on the threads or the row's position.
   *
   * @param w the rows. Not modified.
   * @param m the metric
   * @return a new array, one norm per row, in logometers
   * @throws IllegalArgumentException if the rows do not have the metric's dimension, or a row is
   *     not finite
   */
  public static double[] norms(EmbeddingMatrix w, CausalMetric m) {
    return norms(w, m, ProgressListener.NONE);
  }

  /**
   * As {@link #norms(EmbeddingMatrix, CausalMetric)}, reporting progress per row chunk.
   *
   * @param w the rows. Not modified.
   * @param m the metric
   * @param progress receives progress and may cancel. Not modified.
   * @return a new array, one norm per row, in logometers
   * @throws IllegalArgumentException if the rows do not have the metric's dimension, or a row is
   *     not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static double[] norms(EmbeddingMatrix w, CausalMetric m, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(m, "metric");
    int d = m.dim();
    if (w.dim() != d) {
      throw new IllegalArgumentException(
          "rows have d = " + w.dim() + " but metric tensor M is " + d + " x " + d);
    }
    // NaN norms would surface later as an unrelated "scalar value is not finite".
    Arguments.finiteRows(w, 0, w.rows(), "rows", "a causal norm");
    return CausalMap.norms(Kernels.get(), w, m.choleskyLower(), progress);
  }
}
