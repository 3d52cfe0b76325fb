package io.github.embeddinggeometry.metric;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
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
 * <p>Immutable and safe to share between threads.
 *
 * @since 0.1
 */
public final class CausalMetric {
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
   * distances of mapped rows are causal distances. Runs as a blocked float64 product on all cores;
   * the result does not depend on the number of threads, and bitwise-equal rows map to
   * bitwise-equal rows.
   *
   * @param w the rows, d values each. Not modified.
   * @return a new N x d matrix with the ids of {@code w}
   * @throws IllegalArgumentException if the rows do not have d values, or a row is not finite
   */
  public EmbeddingMatrix map(EmbeddingMatrix w) {
    return map(w, ProgressListener.NONE);
  }

  /**
   * As {@link #map(EmbeddingMatrix)}, reporting progress (rows) and honouring cancellation.
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

  private void checkDim(int d) {
    if (d != dim) {
      throw new IllegalArgumentException(
          "rows have d = " + d + " but metric tensor M is " + dim + " x " + dim);
    }
  }
}
