package io.github.embeddinggeometry.frame;

/**
 * The result of a PCA (spec section 2): the column mean, the leading k (or all d) eigenpairs of the
 * biased covariance {@code C = (1/N) (W - mu)^T (W - mu)}, and the two scalars of C that the
 * variance shares and the participation ratio need, so that those are exact even when only a few
 * PCs were computed.
 *
 * <p>Eigenvalues are descending; eigenvector j is column j of a row-major d x k matrix, signed so
 * that its component of largest absolute value is positive (ties: lowest index).
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
   * @param rows N, the number of rows the covariance was estimated from
   * @param mean length d. Copied.
   * @param eigenvalues length k, descending. Copied.
   * @param eigenvectors row-major d x k, PCs as columns, signs already fixed. Copied.
   * @param trace {@code trace(C) = sum of all d eigenvalues}
   * @param frobeniusSquared {@code ||C||_F^2 = sum of all d squared eigenvalues}
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

  /** N, the number of rows. */
  public int rows() {
    return rows;
  }

  /** d, the row length. */
  public int dim() {
    return dim;
  }

  /** k, the number of PCs computed (d for {@link Pca#fit}). */
  public int components() {
    return eigenvalues.length;
  }

  /** The column mean mu, length d, a copy. */
  public double[] mean() {
    return mean.clone();
  }

  /** The k eigenvalues, descending, a copy. */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /** Eigenvalue {@code i} (0-based: {@code i = 0} is PC1). */
  public double eigenvalue(int i) {
    return eigenvalues[i];
  }

  /** The eigenvectors, row-major d x k with PCs as columns, a copy. */
  public double[] eigenvectors() {
    return eigenvectors.clone();
  }

  /** The total variance {@code trace(C) = sum of all d eigenvalues}. */
  public double totalVariance() {
    return trace;
  }

  /**
   * Share of the total variance carried by PC {@code i + 1} (0-based {@code i}): {@code lambda_i /
   * trace(C)}, a fraction in [0, 1] (multiply by 100 for the notebooks' percent).
   */
  public double varianceExplained(int i) {
    return eigenvalues[i] / trace;
  }

  /**
   * Share of the total variance carried by the first {@code n} PCs, a fraction in [0, 1].
   *
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
   * exact for every k. 0 when C is zero.
   */
  public double participationRatio() {
    return frobeniusSquared == 0 ? 0 : trace * trace / frobeniusSquared;
  }

  /** The frame of these PCs around the zero origin (uncentred, as the notebooks project). */
  public ReferenceFrame frame() {
    return frame(null);
  }

  /** The frame of these PCs around {@code origin} (length d; null for zero), e.g. a centroid. */
  public ReferenceFrame frame(float[] origin) {
    return ReferenceFrame.of(dim, origin, eigenvalues, eigenvectors);
  }
}
