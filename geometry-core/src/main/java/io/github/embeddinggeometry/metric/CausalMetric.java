package io.github.embeddinggeometry.metric;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * A symmetric positive-definite d x d metric tensor M with its Cholesky factor {@code M = L L^T}.
 *
 * <p>Every row w is mapped once to {@code L^T w}; causal distances are then Euclidean distances of
 * mapped rows and the causal norm is {@code ||L^T w||}, in logometers (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#causal-metric">causal
 * metric</a>). The mapping is deterministic, so bitwise-equal rows map to bitwise-equal rows and
 * keep distance exactly 0.
 *
 * <p>Immutable and safe to share between threads. Serializable as its tensor M alone: the factor is
 * rebuilt on reading, deterministically, so the metric read back maps rows to the same bits.
 *
 * @since 0.1
 */
public final class CausalMetric implements java.io.Serializable {
  /** The serialized form is {@link Proxy}'s. */
  private static final long serialVersionUID = 1L;

  /** d. */
  private final int dim;

  /** M times {@code 4^-exponent}, symmetrised: its largest |entry| lies in [1, 4). */
  private final double[] m;

  /** Lower-triangular L times {@code 2^-exponent}, row-major d x d: the factor of {@link #m}. */
  private final double[] lower;

  /** {@code M = 4^exponent m}, {@code L = 2^exponent lower}. */
  private final int exponent;

  private CausalMetric(int dim, double[] m, double[] lower, int exponent) {
    this.dim = dim;
    this.m = m;
    this.lower = lower;
    this.exponent = exponent;
  }

  /**
   * Wraps a given tensor after checking it.
   *
   * <p>M is factorised at unit scale: it is first multiplied by a power of four chosen from its
   * largest entry (exact in binary floating point) and the factor is multiplied back by the square
   * root of that power, so {@code M = 1e-300 I} or {@code 1e300 I} gives the same factor, up to
   * that power of two, as {@code M = I}, and its distances are exactly {@code 1e-150} or {@code
   * 1e150} times those of I.
   *
   * @param m row-major d x d values. Not modified (copied).
   * @param dim d
   * @return the metric with its Cholesky factor
   * @throws IllegalArgumentException if m is not d x d, not finite, not symmetric (relative 1e-6)
   *     or not positive definite
   */
  public static CausalMetric of(double[] m, int dim) {
    return of(m, dim, 0);
  }

  /**
   * Wraps the tensor {@code M = 2^binaryExponent m} after checking it, for tensors whose scale
   * float64 cannot hold, e.g. the inverse of a covariance with a ridge of 1e308 ({@code M = 1e-308
   * I} would be subnormal, with a few bits left). Distances are computed at unit scale and come
   * back exactly scaled (see {@link #of(double[], int)}).
   *
   * @param m row-major d x d values. Not modified (copied).
   * @param dim d
   * @param binaryExponent power of two M is {@code m} times
   * @return the metric with its Cholesky factor
   * @throws IllegalArgumentException if m is not d x d, not finite, not symmetric (relative 1e-6)
   *     or not positive definite
   */
  public static CausalMetric of(double[] m, int dim, int binaryExponent) {
    Objects.requireNonNull(m, "M");
    if (dim <= 0 || (long) dim * dim != m.length) {
      throw new IllegalArgumentException(
          "metric tensor M must be d x d; got " + m.length + " values for d = " + dim);
    }
    double scale = 0;
    for (int i = 0; i < m.length; i++) {
      if (!Double.isFinite(m[i])) {
        throw new IllegalArgumentException(
            "metric tensor M is not finite at (" + i / dim + ", " + i % dim + "): " + m[i]);
      }
      scale = Math.max(scale, Math.abs(m[i]));
    }
    for (int i = 0; i < dim; i++) {
      for (int j = i + 1; j < dim; j++) {
        double a = m[i * dim + j];
        double b = m[j * dim + i];
        if (Math.abs(a - b) > 1e-6 * scale) {
          throw new IllegalArgumentException(
              "metric tensor M is not symmetric: M["
                  + i
                  + ","
                  + j
                  + "] = "
                  + a
                  + " but M["
                  + j
                  + ","
                  + i
                  + "] = "
                  + b);
        }
      }
    }
    // M = 4^e m', largest |entry| of m' in [1, 4): an even power of two, so that L = 2^e L'.
    int e = Math.floorDiv(binaryExponent + CausalMap.binaryExponent(scale), 2);
    int shift = binaryExponent - 2 * e;
    DMatrixRMaj mat = new DMatrixRMaj(dim, dim);
    // Symmetrise so the factor does not depend on which triangle EJML reads; scaled first, so that
    // the sum of two entries near double's maximum cannot overflow.
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        mat.set(
            i, j, 0.5 * (Math.scalb(m[i * dim + j], shift) + Math.scalb(m[j * dim + i], shift)));
      }
    }
    double[] sym = mat.data.clone();
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(dim, true);
    if (!chol.decompose(mat)) {
      throw new IllegalArgumentException(
          "metric tensor M (d = "
              + dim
              + ") is not positive definite: Cholesky factorisation failed;"
              + " estimate it with a ridge (C + eps I) or check the file");
    }
    DMatrixRMaj l = chol.getT(null);
    for (int i = 0; i < dim; i++) {
      if (!(l.get(i, i) > 0) || !Double.isFinite(l.get(i, i))) {
        throw new IllegalArgumentException(
            "metric tensor M (d = "
                + dim
                + ") is not positive definite: pivot "
                + i
                + " is "
                + Math.scalb(l.get(i, i), e));
      }
    }
    return new CausalMetric(dim, sym, l.data.clone(), e);
  }

  /**
   * A Cholesky pivot {@code L_ii^2} below this fraction of the largest diagonal entry of {@code C +
   * ridge I} counts as singular in {@link #inverseOf}: the inverse would be dominated by rounding.
   */
  static final double SINGULAR_PIVOT = 1e-12;

  /**
   * The causal metric estimated from the data: {@code M = (C + ridge I)^-1} of a biased covariance
   * C, the one way the library estimates it (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#causal-metric">causal
   * metric</a>).
   *
   * <p><b>Ridge.</b> Added to every variance (the diagonal of C) before inverting, in the units of
   * C (embedding units squared); 0 for the plain inverse. A ridge shrinks M towards {@code I /
   * ridge} and makes it exist when C is singular, e.g. when there are no more rows than dimensions;
   * every refusal suggests {@code 1e-6} times the largest variance.
   *
   * <p><b>Method.</b> Cholesky factorisation {@code C + ridge I = L L^T} (EJML), then {@code M =
   * L^-T L^-1}, both in double and at unit scale (the matrix is multiplied by an even power of two
   * first and M carries it back exactly, so a ridge of 1e300 neither underflows nor leaves a
   * subnormal inverse). The result does not depend on the number of threads.
   *
   * <p><b>Singular covariance.</b> Refused with {@link IllegalArgumentException} naming the
   * problem: a zero covariance with ridge 0 (all rows equal, or a single row), a Cholesky failure
   * (not positive definite) or a pivot {@code L_ii^2} below {@code 1e-12} of the largest diagonal
   * entry (numerically singular); the message gives the row count, d, whether N &lt;= d, and a
   * ridge that would do.
   *
   * @param covariance the rows' covariance, e.g. {@code backend.covariance(w,
   *     ProgressListener.NONE)}
   * @param ridge added to the diagonal before inverting, finite and &gt;= 0
   * @param progress receives progress and may cancel. Not modified.
   * @return the metric M with its Cholesky factor
   * @throws IllegalArgumentException if the ridge is negative or not finite, or {@code C + ridge I}
   *     is singular or not positive definite (with a suggested ridge)
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static CausalMetric inverseOf(
      Covariance covariance, double ridge, ProgressListener progress) {
    Objects.requireNonNull(covariance, "covariance");
    Objects.requireNonNull(progress, "progress");
    if (!(ridge >= 0) || !Double.isFinite(ridge)) {
      throw new IllegalArgumentException("ridge must be finite and >= 0; got " + ridge);
    }
    int d = covariance.dim();
    long rows = covariance.rows();
    double[] c = covariance.matrix();
    ProgressListener.checkCancelled(progress);
    progress.progress("inverse covariance", 0, 1);
    if (ridge == 0 && isZero(c)) {
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
        a.set(i, j, c[i * d + j]); // a Covariance is exactly symmetric (Covariance.of checks)
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
    return of(m, d, -shift);
  }

  private static boolean isZero(double[] c) {
    for (double x : c) {
      if (x != 0) {
        return false;
      }
    }
    return true;
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
   * Wraps a float32 tensor, e.g. as read from a {@code .pt} file, after checking it.
   *
   * @param m row-major d x d values. Not modified (widened to double).
   * @param dim d
   * @return the metric with its Cholesky factor
   * @throws IllegalArgumentException if m is not d x d, not finite, not symmetric (relative 1e-6)
   *     or not positive definite
   */
  public static CausalMetric of(float[] m, int dim) {
    double[] d = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      d[i] = m[i];
    }
    return of(d, dim);
  }

  /**
   * Dimension d.
   *
   * @return the size of M
   */
  public int dim() {
    return dim;
  }

  /**
   * The tensor M.
   *
   * @return a copy, row-major d x d, symmetrised; entries beyond float64's range (a tensor made
   *     with {@link #of(double[], int, int)}) round to 0, a subnormal or infinity
   */
  public double[] tensor() {
    return scaled(m, 2 * exponent);
  }

  /**
   * The lower-triangular Cholesky factor L of {@code M = L L^T}.
   *
   * @return a copy, row-major d x d
   */
  public double[] choleskyLower() {
    return scaled(lower, exponent);
  }

  private static double[] scaled(double[] a, int e) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.scalb(a[i], e);
    }
    return out;
  }

  /**
   * Maps every row w to {@code L^T w}, accumulated in double, rounded to float32; Euclidean
   * distances of mapped rows are causal distances. This is the CPU backend's map ({@link
   * io.github.embeddinggeometry.backend.ComputeBackend#mapRows}): a blocked float64 product on all
   * cores, each output a sequential sum over its depth, so the result does not depend on the number
   * of threads and bitwise-equal rows map to bitwise-equal rows. Reports progress (rows) and
   * honours cancellation.
   *
   * @param w the rows, d values each. Not modified.
   * @param progress receives progress and may cancel. Not modified.
   * @return a new N x d matrix with the ids of {@code w}
   * @throws IllegalArgumentException if the rows do not have d values, or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public EmbeddingMatrix map(EmbeddingMatrix w, ProgressListener progress) {
    checkDim(w.dim());
    Arguments.finiteRows(w, 0, w.rows(), "rows", "the causal map");
    return CausalMap.map(Kernels.get(), w, choleskyLower(), progress);
  }

  /**
   * Causal norm {@code sqrt(g^T M g)} of one raw (uncentred) row, in double, at unit scale and
   * scaled back exactly.
   *
   * @param g a row of d values. Not modified.
   * @return the norm in logometers
   * @throws IllegalArgumentException if {@code g} does not have d values or is not finite
   */
  public double norm(float[] g) {
    checkDim(g.length);
    for (int j = 0; j < dim; j++) {
      if (!Float.isFinite(g[j])) {
        throw new IllegalArgumentException(
            "the row holds "
                + g[j]
                + " at column "
                + j
                + "; a causal norm is defined for finite rows only");
      }
    }
    double s = 0;
    for (int i = 0; i < dim; i++) {
      double t = 0;
      int mi = i * dim;
      for (int j = 0; j < dim; j++) {
        t += m[mi + j] * g[j];
      }
      s += g[i] * t;
    }
    return Math.scalb(Math.sqrt(Math.max(0, s)), exponent);
  }

  /**
   * Serialized as {@link Proxy}: M and its power of two, not the factor (d^2 doubles fewer, and a
   * stream cannot hand over a factor that does not belong to its M).
   *
   * @return the proxy
   */
  private Object writeReplace() {
    return new Proxy(dim, m, exponent);
  }

  /**
   * Refuses the class's own stream form, which {@link #writeReplace} never writes: a hand-made
   * stream must not bypass the checks of {@link #of}.
   *
   * @param in the stream
   * @throws java.io.InvalidObjectException always
   */
  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a CausalMetric is read through its proxy");
  }

  /** The serialized form: {@code M = 4^exponent m}, factorised again by {@link #of} on reading. */
  private static final class Proxy implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int dim;
    private final double[] m;
    private final int exponent;

    Proxy(int dim, double[] m, int exponent) {
      this.dim = dim;
      this.m = m;
      this.exponent = exponent;
    }

    private Object readResolve() {
      return of(m, dim, 2 * exponent);
    }
  }

  private void checkDim(int d) {
    if (d != dim) {
      throw new IllegalArgumentException(
          "rows have d = " + d + " but metric tensor M is " + dim + " x " + dim);
    }
  }
}
