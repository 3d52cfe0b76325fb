package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.internal.linalg.SymmetricEigen;
import java.util.Arrays;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component analysis of an embedding matrix (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA
 * basis</a>), computing only what is asked:
 *
 * <ul>
 *   <li>{@link #participationRatio} needs no eigenvectors: {@code PR = trace(C)^2 / ||C||_F^2};
 *   <li>{@link #top} finds the k leading PCs by a Lanczos iteration on C;
 *   <li>{@link #fit} does the full d x d decomposition, needed to save a whole frame: {@link
 *       SymmetricEigen} (blocked Householder, divide and conquer) from d = {@value
 *       #OWN_SOLVER_FROM} on, EJML below.
 * </ul>
 *
 * <p>The covariance {@code C = (1/N) (W - mu)^T (W - mu)} (biased) comes from the backend's
 * streaming pass; the mean is accumulated in double. Eigenvectors are signed so that their
 * component of largest absolute value is positive (ties: the lowest index), which makes PCs — and
 * so spherical coordinates — reproducible across machines.
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
   * The full PCA: all d eigenpairs.
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
    double[] mean = mean(w, progress);
    double[] c = covariance(w, mean, backend, progress);
    return fromCovariance(w.rows(), mean, c, progress);
  }

  /**
   * As {@link #fit(EmbeddingMatrix, ComputeBackend, ProgressListener)}, without progress reports.
   *
   * @param w the rows. Not modified.
   * @param backend computes the covariance
   * @return mean, eigenvalues (descending) and signed eigenvectors of the biased covariance
   * @throws IllegalArgumentException if w has no rows or a row is not finite
   */
  public static PcaResult fit(EmbeddingMatrix w, ComputeBackend backend) {
    return fit(w, backend, ProgressListener.NONE);
  }

  /**
   * The k leading PCs only, by a Lanczos iteration with full reorthogonalisation on C (converged to
   * a residual {@code ||C v - lambda v|| <= 1e-12 lambda_1}). Variance shares and the participation
   * ratio of the result are exact (they use trace and Frobenius norm of C).
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
    double[] mean = mean(w, progress);
    double[] c = covariance(w, mean, backend, progress);
    return topFromCovariance(w.rows(), mean, c, k, progress);
  }

  /**
   * As {@link #top(EmbeddingMatrix, int, ComputeBackend, ProgressListener)}, without progress
   * reports.
   *
   * @param w the rows. Not modified.
   * @param k number of leading PCs, in [1, d]
   * @param backend computes the covariance
   * @return the k leading eigenpairs, with exact variance shares
   * @throws IllegalArgumentException if k is not in [1, d], w has no rows or a row is not finite
   */
  public static PcaResult top(EmbeddingMatrix w, int k, ComputeBackend backend) {
    return top(w, k, backend, ProgressListener.NONE);
  }

  /**
   * The participation ratio {@code (sum lambda)^2 / sum lambda^2 = trace(C)^2 / ||C||_F^2} without
   * any eigen-decomposition. 0 when all rows are equal.
   *
   * @param w the rows. Not modified.
   * @param backend computes the covariance
   * @param progress receives progress and may cancel. Not modified.
   * @return the participation ratio, in [0, d]
   * @throws IllegalArgumentException if w has no rows or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static double participationRatio(
      EmbeddingMatrix w, ComputeBackend backend, ProgressListener progress) {
    double[] mean = mean(w, progress);
    return participationRatio(covariance(w, mean, backend, progress), w.dim());
  }

  /**
   * As {@link #participationRatio(EmbeddingMatrix, ComputeBackend, ProgressListener)}, without
   * progress reports.
   *
   * @param w the rows. Not modified.
   * @param backend computes the covariance
   * @return the participation ratio, in [0, d]
   * @throws IllegalArgumentException if w has no rows or a row is not finite
   */
  public static double participationRatio(EmbeddingMatrix w, ComputeBackend backend) {
    return participationRatio(w, backend, ProgressListener.NONE);
  }

  /**
   * The participation ratio of a symmetric row-major d x d covariance.
   *
   * @param covariance row-major d x d. Not modified.
   * @param d the dimension
   * @return {@code trace(C)^2 / ||C||_F^2}, 0 when C is zero
   * @throws IllegalArgumentException if {@code covariance} does not hold d x d values
   */
  public static double participationRatio(double[] covariance, int d) {
    checkSquare(covariance, d);
    double t = trace(covariance, d);
    double f = frobeniusSquared(covariance);
    return f == 0 ? 0 : t * t / f;
  }

  /**
   * The column mean {@code mu = (1/N) sum_i W_i}, accumulated in double. Deterministic: the
   * summation order is the canonical one of the covariance (per-group sums of 4,096 rows combined
   * by a fixed pairwise tree), so a distributed run gives the same bits.
   *
   * @param w the rows. Not modified.
   * @param progress may cancel. Not modified.
   * @return a new array of length d
   * @throws IllegalArgumentException if w has no rows, or a row holds NaN or infinity (naming the
   *     first such row, its vocabulary id and the column)
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static double[] mean(EmbeddingMatrix w, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(progress, "progress");
    int n = w.rows();
    if (n == 0) {
      throw new IllegalArgumentException("the mean of a matrix with 0 rows is undefined");
    }
    int groups = CanonicalSums.groups(n);
    double[][] partial = new double[groups][];
    Parallel.run(
        "mean",
        groups,
        n,
        () -> null,
        (state, g) -> {
          int from = g * CanonicalSums.GROUP_ROWS;
          int to = Math.min(n, from + CanonicalSums.GROUP_ROWS);
          partial[g] = CanonicalSums.meanPartial(w, from, to);
          return to - from;
        },
        Parallel.silent(progress));
    CanonicalSums.Nodes tree = new CanonicalSums.Nodes(groups);
    for (int g = 0; g < groups; g++) {
      tree.addLeaf(g, partial[g]);
    }
    double[] root = tree.root();
    for (int j = 0; j < root.length; j++) {
      // A float32 sum in double cannot overflow, so a non-finite sum means a non-finite input:
      // only then are the rows scanned again, to name the first bad one.
      if (!Double.isFinite(root[j])) {
        Arguments.finiteRows(w, 0, n, "rows", "the mean");
      }
    }
    return CanonicalSums.mean(root, n);
  }

  /**
   * As {@link #mean(EmbeddingMatrix, ProgressListener)}, without cancellation.
   *
   * @param w the rows. Not modified.
   * @return a new array of length d
   * @throws IllegalArgumentException if w has no rows or a row is not finite
   */
  public static double[] mean(EmbeddingMatrix w) {
    return mean(w, ProgressListener.NONE);
  }

  /**
   * The full decomposition of a given covariance (e.g. one computed elsewhere).
   *
   * @param rows N, recorded in the result
   * @param mean length d. Not modified (copied).
   * @param covariance symmetric row-major d x d. Not modified.
   * @param progress receives progress and may cancel. Not modified.
   * @return all d eigenpairs, descending, signed
   * @throws IllegalArgumentException if {@code covariance} does not hold d x d values
   * @throws IllegalStateException if the symmetric eigen-decomposition fails
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static PcaResult fromCovariance(
      int rows, double[] mean, double[] covariance, ProgressListener progress) {
    int d = mean.length;
    checkSquare(covariance, d);
    ProgressListener.checkCancelled(progress);
    progress.progress("eigen-decomposition", 0, 1);
    // Scaled to [1, 2) by a power of two (exact): no eigensolver step overflows or underflows.
    int exp = exponentOf(covariance);
    double[] c = scaled(covariance, -exp);
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
        rows, mean, sortedValues, vectors, trace(covariance, d), frobeniusSquared(covariance));
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
   * As {@link #fromCovariance(int, double[], double[], ProgressListener)}, without progress
   * reports.
   *
   * @param rows N, recorded in the result
   * @param mean length d. Not modified (copied).
   * @param covariance symmetric row-major d x d. Not modified.
   * @return all d eigenpairs, descending, signed
   * @throws IllegalArgumentException if {@code covariance} does not hold d x d values
   * @throws IllegalStateException if the symmetric eigen-decomposition fails
   */
  public static PcaResult fromCovariance(int rows, double[] mean, double[] covariance) {
    return fromCovariance(rows, mean, covariance, ProgressListener.NONE);
  }

  /**
   * The k leading eigenpairs of a given covariance by Lanczos (see {@link #top}).
   *
   * @param rows N, recorded in the result
   * @param mean length d. Not modified (copied).
   * @param covariance symmetric row-major d x d. Not modified.
   * @param k number of leading PCs, in [1, d]
   * @param progress receives progress and may cancel. Not modified.
   * @return the k leading eigenpairs, with exact variance shares
   * @throws IllegalArgumentException if k is not in [1, d] or {@code covariance} does not hold d x
   *     d values
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static PcaResult topFromCovariance(
      int rows, double[] mean, double[] covariance, int k, ProgressListener progress) {
    int d = mean.length;
    checkSquare(covariance, d);
    checkK(k, d);
    if (d < DENSE_BELOW) {
      PcaResult full = fromCovariance(rows, mean, covariance, progress);
      return truncate(full, k);
    }
    int exp = exponentOf(covariance);
    Lanczos.Result r = Lanczos.leading(scaled(covariance, -exp), d, k, progress);
    double[] values = r.values();
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.scalb(values[i], exp);
    }
    return new PcaResult(
        rows, mean, values, r.vectors(), trace(covariance, d), frobeniusSquared(covariance));
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
   * As {@link #topFromCovariance(int, double[], double[], int, ProgressListener)}, without progress
   * reports.
   *
   * @param rows N, recorded in the result
   * @param mean length d. Not modified (copied).
   * @param covariance symmetric row-major d x d. Not modified.
   * @param k number of leading PCs, in [1, d]
   * @return the k leading eigenpairs, with exact variance shares
   * @throws IllegalArgumentException if k is not in [1, d] or {@code covariance} does not hold d x
   *     d values
   */
  public static PcaResult topFromCovariance(int rows, double[] mean, double[] covariance, int k) {
    return topFromCovariance(rows, mean, covariance, k, ProgressListener.NONE);
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

  private static double[] covariance(
      EmbeddingMatrix w, double[] mean, ComputeBackend backend, ProgressListener progress) {
    Objects.requireNonNull(backend, "backend");
    double[] c = backend.covariance(w, mean, progress);
    checkSquare(c, w.dim());
    return c;
  }

  static double trace(double[] c, int d) {
    double t = 0;
    for (int i = 0; i < d; i++) {
      t += c[i * d + i];
    }
    return t;
  }

  static double frobeniusSquared(double[] c) {
    double s = 0;
    for (double x : c) {
      s += x * x;
    }
    return s;
  }

  private static void checkSquare(double[] c, int d) {
    Objects.requireNonNull(c, "covariance");
    if ((long) d * d != c.length) {
      throw new IllegalArgumentException(
          "covariance must be d x d = " + d + " x " + d + "; got " + c.length + " values");
    }
  }

  private static void checkK(int k, int d) {
    if (k < 1 || k > d) {
      throw new IllegalArgumentException("number of PCs k must be in [1, d = " + d + "]; got " + k);
    }
  }
}
