package io.github.embeddinggeometry;

import java.util.Locale;
import java.util.Objects;

/**
 * The second moments of a set of rows: the column mean {@code mu}, the biased covariance {@code C =
 * (1/N) (W - mu)^T (W - mu)} (d x d, float64) and the number of rows N it came from (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA
 * basis</a>). A backend computes one ({@link
 * io.github.embeddinggeometry.backend.ComputeBackend#covariance}); PCA fits from it ({@link
 * io.github.embeddinggeometry.frame.Pca#fit(Covariance, ProgressListener)}) and the causal metric
 * is estimated from it ({@link io.github.embeddinggeometry.metric.CausalMetric#inverseOf}).
 *
 * <p>It lives in the root package because the backends produce it and both the metric and the frame
 * packages consume it.
 *
 * <p>Immutable: the accessors return copies. Safe to share between threads.
 *
 * @since 0.1
 */
public final class Covariance {
  private final double[] mean;
  private final double[] matrix;
  private final long rows;

  private Covariance(double[] mean, double[] matrix, long rows) {
    this.mean = mean;
    this.matrix = matrix;
    this.rows = rows;
  }

  /**
   * Wraps a mean and covariance computed elsewhere, after checking them.
   *
   * @param mean the column means, length d &gt;= 1. Not modified (copied).
   * @param matrix the covariance, row-major d x d, exactly symmetric. Not modified (copied).
   * @param rows N, the number of rows both came from, at least 1
   * @return the value
   * @throws IllegalArgumentException if d is 0, {@code matrix} does not hold d x d values, an entry
   *     of either is not finite, {@code matrix} is not exactly symmetric or {@code rows < 1}
   */
  public static Covariance of(double[] mean, double[] matrix, long rows) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(matrix, "covariance");
    int d = mean.length;
    if (d == 0) {
      throw new IllegalArgumentException("a covariance needs d >= 1; the mean has no values");
    }
    if ((long) d * d != matrix.length) {
      throw new IllegalArgumentException(
          "covariance must be d x d = "
              + d
              + " x "
              + d
              + " (the mean's length); got "
              + matrix.length
              + " values");
    }
    if (rows < 1) {
      throw new IllegalArgumentException("a covariance comes from at least 1 row; got " + rows);
    }
    for (int j = 0; j < d; j++) {
      if (!Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("mean[" + j + "] is not finite: " + mean[j]);
      }
    }
    // Exactly symmetric, as every backend returns it: PCA and the inverse then cannot depend on
    // which triangle they read.
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double upper = matrix[i * d + j];
        if (!Double.isFinite(upper) || upper != matrix[j * d + i]) {
          throw new IllegalArgumentException(
              String.format(
                  Locale.ROOT,
                  "covariance entry (%d, %d) = %s is not finite or differs from (%d, %d) = %s;"
                      + " a covariance must be finite and exactly symmetric (use (C + C^T) / 2)",
                  i,
                  j,
                  upper,
                  j,
                  i,
                  matrix[j * d + i]));
        }
      }
    }
    return new Covariance(mean.clone(), matrix.clone(), rows);
  }

  /**
   * Dimension d.
   *
   * @return the length of the mean, the side of the matrix
   */
  public int dim() {
    return mean.length;
  }

  /**
   * The number of rows N the moments came from.
   *
   * @return at least 1
   */
  public long rows() {
    return rows;
  }

  /**
   * The column mean {@code mu}.
   *
   * @return a copy, length d
   */
  public double[] mean() {
    return mean.clone();
  }

  /**
   * The biased covariance C.
   *
   * @return a copy, row-major d x d, symmetric
   */
  public double[] matrix() {
    return matrix.clone();
  }

  /**
   * The total variance {@code trace(C)}.
   *
   * @return the sum of the diagonal, in embedding units squared
   */
  public double trace() {
    int d = mean.length;
    double t = 0;
    for (int i = 0; i < d; i++) {
      t += matrix[i * d + i];
    }
    return t;
  }

  /**
   * The squared Frobenius norm {@code ||C||_F^2 = sum_ij C_ij^2}, which equals {@code sum lambda^2}
   * over the eigenvalues.
   *
   * @return the sum of the squared entries, in row-major order
   */
  public double frobeniusSquared() {
    double s = 0;
    for (double x : matrix) {
      s += x * x;
    }
    return s;
  }

  /**
   * The participation ratio {@code (sum lambda)^2 / sum lambda^2 = trace(C)^2 / ||C||_F^2} (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#variance-explained-and-participation-ratio">participation
   * ratio</a>), without any eigen-decomposition: an effective number of dimensions, in [1, d] for a
   * non-zero C.
   *
   * @return the ratio; 0 when C is zero (all rows equal)
   */
  public double participationRatio() {
    double t = trace();
    double f = frobeniusSquared();
    return f == 0 ? 0 : t * t / f;
  }

  @Override
  public String toString() {
    return "Covariance[d = " + mean.length + ", rows = " + rows + "]";
  }
}
