package io.github.embeddinggeometry.metric;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
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
  private final double[] m;

  /** Lower-triangular L, row-major d x d. */
  private final double[] lower;

  private CausalMetric(int dim, double[] m, double[] lower) {
    this.dim = dim;
    this.m = m;
    this.lower = lower;
  }

  /**
   * Wraps a given tensor after checking it.
   *
   * @param m row-major d x d values. Not modified (copied).
   * @param dim d
   * @return the metric with its Cholesky factor
   * @throws IllegalArgumentException if m is not d x d, not finite, not symmetric (relative 1e-6)
   *     or not positive definite
   */
  public static CausalMetric of(double[] m, int dim) {
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
    DMatrixRMaj mat = new DMatrixRMaj(dim, dim);
    // Symmetrise so the factor does not depend on which triangle EJML reads.
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        mat.set(i, j, 0.5 * (m[i * dim + j] + m[j * dim + i]));
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
                + l.get(i, i));
      }
    }
    return new CausalMetric(dim, sym, l.data.clone());
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
   * @return a copy, row-major d x d, symmetrised
   */
  public double[] tensor() {
    return m.clone();
  }

  /**
   * The lower-triangular Cholesky factor L of {@code M = L L^T}.
   *
   * @return a copy, row-major d x d
   */
  public double[] choleskyLower() {
    return lower.clone();
  }

  /**
   * Maps every row w to {@code L^T w}, accumulated in double, rounded to float32; Euclidean
   * distances of mapped rows are causal distances. Runs as a blocked float64 product on all cores;
   * the result does not depend on the number of threads, and bitwise-equal rows map to
   * bitwise-equal rows.
   *
   * @param w the rows, d values each. Not modified.
   * @return a new N x d matrix with the ids of {@code w}
   * @throws IllegalArgumentException if the rows do not have d values
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
   * @throws IllegalArgumentException if the rows do not have d values
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public EmbeddingMatrix map(EmbeddingMatrix w, ProgressListener progress) {
    checkDim(w.dim());
    return CausalMap.map(Kernels.get(), w, lower, progress);
  }

  /**
   * Causal norm {@code sqrt(g^T M g)} of one raw (uncentred) row, in double.
   *
   * @param g a row of d values. Not modified.
   * @return the norm in logometers
   * @throws IllegalArgumentException if {@code g} does not have d values
   */
  public double norm(float[] g) {
    checkDim(g.length);
    double s = 0;
    for (int i = 0; i < dim; i++) {
      double t = 0;
      int mi = i * dim;
      for (int j = 0; j < dim; j++) {
        t += m[mi + j] * g[j];
      }
      s += g[i] * t;
    }
    return Math.sqrt(Math.max(0, s));
  }

  private void checkDim(int d) {
    if (d != dim) {
      throw new IllegalArgumentException(
          "rows have d = " + d + " but metric tensor M is " + dim + " x " + dim);
    }
  }
}
