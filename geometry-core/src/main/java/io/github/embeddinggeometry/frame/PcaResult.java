package io.github.embeddinggeometry.frame;

/**
 * The result of a PCA (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA
 * basis</a>): the column mean, the leading k (or all d) eigenpairs of the biased covariance {@code
 * C = (1/N) (W - mu)^T (W - mu)}, and the two scalars of C that the variance shares and the
 * participation ratio need, so that those are exact even when only a few PCs were computed.
 *
 * <p>Eigenvalues are descending; eigenvector j is column j of a row-major d x k matrix, signed so
 * that its component of largest absolute value is positive (ties: lowest index).
 *
 * <p>Immutable: arrays are copied in and out. Safe to share between threads.
 *
 * @since 0.1
 */
public final class PcaResult {
  private final int rows;
  private final int dim;
  private final double[] mean;
  private final double[] eigenvalues;
  private final double[] eigenvectors;
  private final double trace;
  private final double frobeniusSquared;

  /**
   * A result from its parts, e.g. eigenpairs computed elsewhere.
   *
   * @param rows N, the number of rows the covariance was estimated from
   * @param mean length d. Not modified (copied).
   * @param eigenvalues length k, descending. Not modified (copied).
   * @param eigenvectors row-major d x k, PCs as columns, signs already fixed. Not modified
   *     (copied).
   * @param trace {@code trace(C) = sum of all d eigenvalues}
   * @param frobeniusSquared {@code ||C||_F^2 = sum of all d squared eigenvalues}
   * @throws IllegalArgumentException if k is not in [1, d] or the eigenvectors are not d x k
   */
  public PcaResult(
      int rows,
      double[] mean,
      double[] eigenvalues,
      double[] eigenvectors,
      double trace,
      double frobeniusSquared) {
    int d = mean.length;
    int k = eigenvalues.length;
    if (k < 1 || k > d || (long) d * k != eigenvectors.length) {
      throw new IllegalArgumentException(
          "PCA of d = "
              + d
              + " needs 1 <= k <= d eigenvalues and d x k eigenvectors; got k = "
              + k
              + " and "
              + eigenvectors.length
              + " eigenvector values");
    }
    this.rows = rows;
    this.dim = d;
    this.mean = mean.clone();
    this.eigenvalues = eigenvalues.clone();
    this.eigenvectors = eigenvectors.clone();
    this.trace = trace;
    this.frobeniusSquared = frobeniusSquared;
  }

  /**
   * N, the number of rows the covariance was estimated from.
   *
   * @return N
   */
  public int rows() {
    return rows;
  }

  /**
   * d, the row length.
   *
   * @return d
   */
  public int dim() {
    return dim;
  }

  /**
   * Number of PCs computed.
   *
   * @return k, d for {@link Pca#fit}
   */
  public int components() {
    return eigenvalues.length;
  }

  /**
   * The column mean mu.
   *
   * @return a copy, length d
   */
  public double[] mean() {
    return mean.clone();
  }

  /**
   * The eigenvalues, variances in the units of W squared.
   *
   * @return a copy, length k, descending
   */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /**
   * One eigenvalue.
   *
   * @param i 0-based: {@code i = 0} is PC1
   * @return {@code lambda_i}
   * @throws IndexOutOfBoundsException if {@code i} is not in [0, k)
   */
  public double eigenvalue(int i) {
    return eigenvalues[i];
  }

  /**
   * The eigenvectors.
   *
   * @return a copy, row-major d x k with PCs as columns
   */
  public double[] eigenvectors() {
    return eigenvectors.clone();
  }

  /**
   * The total variance.
   *
   * @return {@code trace(C)}, the sum of all d eigenvalues
   */
  public double totalVariance() {
    return trace;
  }

  /**
   * Share of the total variance carried by PC {@code i + 1}.
   *
   * @param i 0-based PC index, in [0, k)
   * @return {@code lambda_i / trace(C)}, a fraction in [0, 1] (multiply by 100 for the notebooks'
   *     percent)
   * @throws IndexOutOfBoundsException if {@code i} is not in [0, k)
   */
  public double varianceExplained(int i) {
    return eigenvalues[i] / trace;
  }

  /**
   * Share of the total variance carried by the first {@code n} PCs.
   *
   * @param n number of leading PCs, in [0, k]
   * @return a fraction in [0, 1]
   * @throws IllegalArgumentException if {@code n} exceeds the PCs computed
   */
  public double cumulativeVariance(int n) {
    if (n < 0 || n > eigenvalues.length) {
      throw new IllegalArgumentException(
          "cumulative variance of the first "
              + n
              + " PCs, but only "
              + eigenvalues.length
              + " were computed");
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += eigenvalues[i];
    }
    return s / trace;
  }

  /**
   * The participation ratio {@code PR = (sum lambda)^2 / sum lambda^2 = trace(C)^2 / ||C||_F^2},
   * exact for every k.
   *
   * @return PR, in [0, d]; 0 when C is zero
   */
  public double participationRatio() {
    return frobeniusSquared == 0 ? 0 : trace * trace / frobeniusSquared;
  }

  /**
   * The frame of these PCs around the zero origin (uncentred, as the notebooks project).
   *
   * @return a new frame
   */
  public ReferenceFrame frame() {
    return frame(null);
  }

  /**
   * The frame of these PCs around an origin, e.g. a cluster centroid.
   *
   * @param origin length d, or null for zero. Not modified (copied).
   * @return a new frame
   * @throws IllegalArgumentException if {@code origin} does not have d values
   */
  public ReferenceFrame frame(float[] origin) {
    return ReferenceFrame.of(dim, origin, eigenvalues, eigenvectors);
  }
}
