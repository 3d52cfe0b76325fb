package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.internal.Parallel;
import io.github.embeddinggeometry.internal.cpu.CanonicalSums;
import java.util.Arrays;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component analysis of an embedding matrix (spec section 2), computing only what is
 * asked:
 *
 * <ul>
 *   <li>{@link #participationRatio} needs no eigenvectors: {@code PR = trace(C)^2 / ||C||_F^2};
 *   <li>{@link #top} finds the k leading PCs by a Lanczos iteration on C;
 *   <li>{@link #fit} does the full d x d decomposition (EJML), needed to save a whole frame.
 * </ul>
 *
 * <p>The covariance {@code C = (1/N) (W - mu)^T (W - mu)} (biased) comes from the backend's
 * streaming pass; the mean is accumulated in double. Eigenvectors are signed so that their
 * component of largest absolute value is positive (ties: the lowest index), which makes PCs — and
 * so spherical coordinates — reproducible across machines.
 *
 * @since 0.1
 */
public final class Pca {
  /** Below this d the full decomposition is cheaper than any iteration; {@link #top} uses it. */
  private static final int DENSE_BELOW = 64;

  private Pca() {}

  /**
   * The full PCA: all d eigenpairs.
   *
   * @param w the rows; not modified
   * @throws IllegalArgumentException if w has no rows
   */
  public static PcaResult fit(
      EmbeddingMatrix w, ComputeBackend backend, ProgressListener progress) {
    double[] mean = mean(w, progress);
    double[] c = covariance(w, mean, backend, progress);
    return fromCovariance(w.rows(), mean, c, progress);
  }

  /**
   * The k leading PCs only, by a Lanczos iteration with full reorthogonalisation on C (converged to
   * a residual {@code ||C v - lambda v|| <= 1e-12 lambda_1}). Variance shares and the participation
   * ratio of the result are exact (they use trace and Frobenius norm of C).
   *
   * @throws IllegalArgumentException if k is not in [1, d] or w has no rows
   */
  public static PcaResult top(
      EmbeddingMatrix w, int k, ComputeBackend backend, ProgressListener progress) {
    checkK(k, w.dim());
    double[] mean = mean(w, progress);
    double[] c = covariance(w, mean, backend, progress);
    return topFromCovariance(w.rows(), mean, c, k, progress);
  }

  /**
   * The participation ratio {@code (sum lambda)^2 / sum lambda^2 = trace(C)^2 / ||C||_F^2} without
   * any eigen-decomposition. 0 when all rows are equal.
   */
  public static double participationRatio(
      EmbeddingMatrix w, ComputeBackend backend, ProgressListener progress) {
    double[] mean = mean(w, progress);
    return participationRatio(covariance(w, mean, backend, progress), w.dim());
  }

  /** The participation ratio of a symmetric row-major d x d covariance. */
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
   * @throws IllegalArgumentException if w has no rows
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
    return CanonicalSums.mean(tree.root(), n);
  }

  /**
   * The full decomposition of a given covariance (e.g. one computed elsewhere).
   *
   * @param rows N, recorded in the result
   * @param mean length d; copied
   * @param covariance symmetric row-major d x d; not modified
   * @throws IllegalStateException if EJML's symmetric eigen-decomposition fails
   */
  public static PcaResult fromCovariance(
      int rows, double[] mean, double[] covariance, ProgressListener progress) {
    int d = mean.length;
    checkSquare(covariance, d);
    ProgressListener.checkCancelled(progress);
    progress.progress("eigen-decomposition", 0, 1);
    DMatrixRMaj c = DMatrixRMaj.wrap(d, d, covariance.clone());
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
    double[] sortedValues = new double[d];
    double[] vectors = new double[d * d];
    for (int col = 0; col < d; col++) {
      int src = order[col];
      sortedValues[col] = values[src];
      DMatrixRMaj v = eig.getEigenVector(src);
      double[] column = new double[d];
      for (int i = 0; i < d; i++) {
        column[i] = v.get(i, 0);
      }
      normalise(column);
      fixSign(column);
      for (int i = 0; i < d; i++) {
        vectors[i * d + col] = column[i];
      }
    }
    progress.progress("eigen-decomposition", 1, 1);
    return new PcaResult(
        rows, mean, sortedValues, vectors, trace(covariance, d), frobeniusSquared(covariance));
  }

  /**
   * The k leading eigenpairs of a given covariance by Lanczos (see {@link #top}).
   *
   * @param covariance symmetric row-major d x d; not modified
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
    Lanczos.Result r = Lanczos.leading(covariance, d, k, progress);
    return new PcaResult(
        rows, mean, r.values(), r.vectors(), trace(covariance, d), frobeniusSquared(covariance));
  }

  /**
   * Signs a unit vector in place so that its component of largest absolute value is positive (ties:
   * the lowest index), the spec's convention.
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
