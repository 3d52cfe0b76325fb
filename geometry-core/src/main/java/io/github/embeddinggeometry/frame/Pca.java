package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.internal.linalg.SymmetricEigen;
import java.util.Arrays;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component analysis (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA basis</a>)
 * of a {@link Covariance}, computing only what is asked:
 *
 * <ul>
 *   <li>the participation ratio needs no eigenvectors: {@link Covariance#participationRatio()};
 *   <li>{@link #top} finds the k leading PCs by a Lanczos iteration on C;
 *   <li>{@link #fit} does the full d x d decomposition, needed to save a whole frame: {@link
 *       SymmetricEigen} (blocked Householder, divide and conquer) from d = {@value
 *       #OWN_SOLVER_FROM} on, EJML below.
 * </ul>
 *
 * <p>The entry points taking rows are {@code backend.covariance(w, ProgressListener.NONE)} followed
 * by the one taking the covariance. Eigenvectors are signed so that their component of largest
 * absolute value is positive (ties: the lowest index), which makes PCs — and so spherical
 * coordinates — reproducible across machines.
 *
 * <p><b>Exceptions.</b> A matrix with no rows, or a row holding NaN or infinity (named by row and
 * vocabulary id), is refused with {@link IllegalArgumentException} before any work; {@link
 * java.util.concurrent.CancellationException} when a {@link ProgressListener} cancels. Stateless
 * and thread-safe; each call uses all cores (or the backend's GPU).
 *
 * @since 0.1
 */
public final class Pca {
  /** Below this d the full decomposition is cheaper than any iteration; {@link #top} uses it. */
  private static final int DENSE_BELOW = 64;

  /**
   * From this d on the full decomposition uses {@link SymmetricEigen}; below it EJML's eigensolver,
   * which has less set-up per call and so wins on small matrices; the two take about as long at
   * this d.
   */
  static final int OWN_SOLVER_FROM = 96;

  private Pca() {}

  /**
   * The full PCA of the rows: all d eigenpairs, from {@code backend.covariance(w, progress)}.
   *
   * @param w the rows. Not modified.
   * @param backend computes the covariance
   * @param progress receives progress and may cancel. Not modified.
   * @return mean, eigenvalues (descending) and signed eigenvectors of the biased covariance
   * @throws IllegalArgumentException if w has no rows or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static PcaResult fit(
      EmbeddingMatrix w, ComputeBackend backend, ProgressListener progress) {
    return fit(covariance(w, backend, progress), progress);
  }

  /**
   * The k leading PCs of the rows only, by a Lanczos iteration with full reorthogonalisation on C
   * (see {@link #top(Covariance, int, ProgressListener)}).
   *
   * @param w the rows. Not modified.
   * @param k number of leading PCs, in [1, d]
   * @param backend computes the covariance
   * @param progress receives progress and may cancel. Not modified.
   * @return the k leading eigenpairs, with exact variance shares
   * @throws IllegalArgumentException if k is not in [1, d], w has no rows or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static PcaResult top(
      EmbeddingMatrix w, int k, ComputeBackend backend, ProgressListener progress) {
    checkK(k, w.dim());
    return top(covariance(w, backend, progress), k, progress);
  }

  /**
   * The full decomposition of a covariance: all d eigenpairs.
   *
   * @param covariance the mean, matrix and row count; the result records its mean and rows
   * @param progress receives progress and may cancel. Not modified.
   * @return all d eigenpairs, descending, signed
   * @throws IllegalArgumentException if the covariance came from more than {@code
   *     Integer.MAX_VALUE} rows (a {@link PcaResult} counts them in an int)
   * @throws IllegalStateException if the symmetric eigen-decomposition fails
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static PcaResult fit(Covariance covariance, ProgressListener progress) {
    Objects.requireNonNull(covariance, "covariance");
    Objects.requireNonNull(progress, "progress");
    int rows = resultRows(covariance);
    int d = covariance.dim();
    double[] mean = covariance.mean();
    double[] matrix = covariance.matrix();
    ProgressListener.checkCancelled(progress);
    progress.progress("eigen-decomposition", 0, 1);
    // Scaled to [1, 2) by a power of two (exact): no eigensolver step overflows or underflows.
    int exp = exponentOf(matrix);
    double[] c = scaled(matrix, -exp);
    double[] sortedValues;
    double[] vectors;
    if (d >= OWN_SOLVER_FROM) {
      SymmetricEigen eig = SymmetricEigen.decompose(c, d, progress);
      sortedValues = eig.values();
      vectors = eig.vectors(); // normalised and signed in place
      double[] column = new double[d];
      for (int col = 0; col < d; col++) {
        for (int i = 0; i < d; i++) {
          column[i] = vectors[i * d + col];
        }
        storeColumn(column, vectors, d, col);
      }
    } else {
      sortedValues = new double[d];
      vectors = new double[d * d];
      ejml(c, d, sortedValues, vectors);
    }
    for (int i = 0; i < d; i++) {
      sortedValues[i] = Math.scalb(sortedValues[i], exp);
    }
    progress.progress("eigen-decomposition", 1, 1);
    return new PcaResult(
        rows, mean, sortedValues, vectors, covariance.trace(), covariance.frobeniusSquared());
  }

  /** Normalises and signs a column, then stores it as column {@code col} of {@code vectors}. */
  private static void storeColumn(double[] column, double[] vectors, int d, int col) {
    normalise(column);
    fixSign(column);
    for (int i = 0; i < d; i++) {
      vectors[i * d + col] = column[i];
    }
  }

  /**
   * EJML's symmetric eigensolver, values descending into {@code sortedValues}; decomposes {@code
   * covariance} in place.
   */
  private static void ejml(double[] covariance, int d, double[] sortedValues, double[] vectors) {
    DMatrixRMaj c = DMatrixRMaj.wrap(d, d, covariance);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(c)) {
      throw new IllegalStateException(
          "symmetric eigen-decomposition of the " + d + " x " + d + " covariance failed");
    }
    Integer[] order = new Integer[d];
    double[] values = new double[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
      values[i] = eig.getEigenvalue(i).getReal();
    }
    // Stable sort, descending; equal eigenvalues keep EJML's order.
    Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
    for (int col = 0; col < d; col++) {
      int src = order[col];
      sortedValues[col] = values[src];
      DMatrixRMaj v = eig.getEigenVector(src);
      double[] column = new double[d];
      for (int i = 0; i < d; i++) {
        column[i] = v.get(i, 0);
      }
      storeColumn(column, vectors, d, col);
    }
  }

  /**
   * The k leading eigenpairs of a covariance by a Lanczos iteration with full reorthogonalisation
   * (converged to a residual {@code ||C v - lambda v|| <= 1e-12 lambda_1}); below d = 64 the full
   * decomposition, truncated. Variance shares and the participation ratio of the result are exact
   * (they use trace and Frobenius norm of C).
   *
   * @param covariance the mean, matrix and row count; the result records its mean and rows
   * @param k number of leading PCs, in [1, d]
   * @param progress receives progress and may cancel. Not modified.
   * @return the k leading eigenpairs, with exact variance shares
   * @throws IllegalArgumentException if k is not in [1, d], or the covariance came from more than
   *     {@code Integer.MAX_VALUE} rows
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static PcaResult top(Covariance covariance, int k, ProgressListener progress) {
    Objects.requireNonNull(covariance, "covariance");
    Objects.requireNonNull(progress, "progress");
    int d = covariance.dim();
    checkK(k, d);
    int rows = resultRows(covariance);
    if (d < DENSE_BELOW) {
      PcaResult full = fit(covariance, progress);
      return truncate(full, k);
    }
    double[] matrix = covariance.matrix();
    int exp = exponentOf(matrix);
    Lanczos.Result r = Lanczos.leading(scaled(matrix, -exp), d, k, progress);
    double[] values = r.values();
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.scalb(values[i], exp);
    }
    return new PcaResult(
        rows,
        covariance.mean(),
        values,
        r.vectors(),
        covariance.trace(),
        covariance.frobeniusSquared());
  }

  private static int resultRows(Covariance covariance) {
    if (covariance.rows() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a PCA result counts its rows in an int; the covariance came from "
              + covariance.rows()
              + " rows");
    }
    return (int) covariance.rows();
  }

  /**
   * The exponent that brings the largest |entry| of C into [1, 2). The eigensolvers run on C times
   * that power of two (exact), so their thresholds and intermediate products see the same numbers
   * whatever the scale of the data (a covariance of 1e-80 or of 1e60), and the eigenvalues come
   * back by the same power, exactly; eigenvectors do not change.
   */
  private static int exponentOf(double[] c) {
    double max = 0;
    for (double x : c) {
      max = Math.max(max, Math.abs(x));
    }
    return max == 0 || !Double.isFinite(max) ? 0 : Math.getExponent(max);
  }

  private static double[] scaled(double[] c, int exp) {
    double[] out = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      out[i] = Math.scalb(c[i], exp);
    }
    return out;
  }

  /**
   * Signs a unit vector in place so that its component of largest absolute value is positive (ties:
   * the lowest index), the library's sign convention.
   */
  static void fixSign(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (Math.abs(v[i]) > Math.abs(v[best])) {
        best = i;
      }
    }
    if (v[best] < 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = -v[i];
      }
    }
  }

  static void normalise(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    double inv = 1 / Math.sqrt(s);
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
  }

  private static PcaResult truncate(PcaResult full, int k) {
    int d = full.dim();
    double[] all = full.eigenvectors();
    double[] vec = new double[d * k];
    for (int i = 0; i < d; i++) {
      System.arraycopy(all, i * d, vec, i * k, k);
    }
    return new PcaResult(
        full.rows(),
        full.mean(),
        Arrays.copyOf(full.eigenvalues(), k),
        vec,
        full.totalVariance(),
        frobeniusFromResult(full));
  }

  private static double frobeniusFromResult(PcaResult full) {
    double s = 0;
    for (double l : full.eigenvalues()) {
      s += l * l;
    }
    return s;
  }

  private static Covariance covariance(
      EmbeddingMatrix w, ComputeBackend backend, ProgressListener progress) {
    Objects.requireNonNull(backend, "backend");
    Covariance c = backend.covariance(w, progress);
    if (c.dim() != w.dim()) {
      throw new IllegalStateException(
          "backend "
              + backend.name()
              + " returned a d = "
              + c.dim()
              + " covariance for d = "
              + w.dim()
              + " rows");
    }
    return c;
  }

  private static void checkK(int k, int d) {
    if (k < 1 || k > d) {
      throw new IllegalArgumentException("number of PCs k must be in [1, d = " + d + "]; got " + k);
    }
  }
}
