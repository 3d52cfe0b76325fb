package io.github.embeddinggeometry.frame;

import java.util.Objects;

/**
 * An origin plus a PCA basis of a d-dimensional embedding space (spec sections 2, 3, 6).
 *
 * <p>Eigenvalues are sorted descending; eigenvectors are the columns of a d x k matrix (k = d for a
 * full frame, k &lt; d for a frame of the leading PCs only, see {@link Pca#top}), each signed so
 * that its component of largest absolute value is positive (ties: lowest index). PCs are addressed
 * 1-based, a negative index flipping the axis, as in the notebooks.
 *
 * @since 0.1
 */
public final class ReferenceFrame {
  private final int dim;
  private final int components;
  private final float[] origin;
  private final double[] eigenvalues;

  /** Row-major d x components; column j is PC j+1. */
  private final double[] eigenvectors;

  private ReferenceFrame(
      int dim, int components, float[] origin, double[] eigenvalues, double[] eigenvectors) {
    this.dim = dim;
    this.components = components;
    this.origin = origin;
    this.eigenvalues = eigenvalues;
    this.eigenvectors = eigenvectors;
  }

  /**
   * A full frame (d PCs) from its parts, all copied.
   *
   * @param origin length d, or null for the zero origin
   * @param eigenvalues length d, descending
   * @param eigenvectors row-major d x d; column j is PC j+1
   */
  public static ReferenceFrame of(float[] origin, double[] eigenvalues, double[] eigenvectors) {
    Objects.requireNonNull(eigenvalues, "eigenvalues");
    int d = eigenvalues.length;
    return of(d, origin, eigenvalues, eigenvectors);
  }

  /**
   * A frame of the leading {@code k = eigenvalues.length} PCs of a d-dimensional space, all parts
   * copied.
   *
   * @param dim d, the length of a row
   * @param origin length d, or null for the zero origin
   * @param eigenvalues length k (1 &lt;= k &lt;= d), descending
   * @param eigenvectors row-major d x k; column j is PC j+1
   */
  public static ReferenceFrame of(
      int dim, float[] origin, double[] eigenvalues, double[] eigenvectors) {
    Objects.requireNonNull(eigenvalues, "eigenvalues");
    Objects.requireNonNull(eigenvectors, "eigenvectors");
    int k = eigenvalues.length;
    if (dim <= 0 || k < 1 || k > dim) {
      throw new IllegalArgumentException(
          "need 1 <= k <= d eigenvalues; got k = " + k + " for d = " + dim);
    }
    if ((long) dim * k != eigenvectors.length) {
      throw new IllegalArgumentException(
          "eigenvectors must be d x k = "
              + dim
              + " x "
              + k
              + "; got "
              + eigenvectors.length
              + " values");
    }
    if (origin != null && origin.length != dim) {
      throw new IllegalArgumentException("origin has " + origin.length + " values, d = " + dim);
    }
    return new ReferenceFrame(
        dim,
        k,
        origin == null ? new float[dim] : origin.clone(),
        eigenvalues.clone(),
        eigenvectors.clone());
  }

  /** The same basis around another origin (e.g. a cluster centroid); null means zero. */
  public ReferenceFrame withOrigin(float[] newOrigin) {
    return of(dim, newOrigin, eigenvalues, eigenvectors);
  }

  /** Dimension d. */
  public int dim() {
    return dim;
  }

  /** Number of PCs k held (d for a full frame). */
  public int components() {
    return components;
  }

  /** True when all d PCs are held (only such a frame can be saved in the spec's layout). */
  public boolean isFull() {
    return components == dim;
  }

  /** The origin, a copy. */
  public float[] origin() {
    return origin.clone();
  }

  /** Eigenvalues, descending, a copy (length k). */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /** Eigenvectors, row-major d x k with PCs as columns, a copy. */
  public double[] eigenvectors() {
    return eigenvectors.clone();
  }

  /**
   * The unit axis of PC {@code |signedPc|} (1-based), negated when {@code signedPc < 0}.
   *
   * @throws IllegalArgumentException if the index is 0 or beyond the PCs held
   */
  public double[] axis(int signedPc) {
    int pc = Math.abs(signedPc);
    if (pc < 1 || pc > components) {
      throw new IllegalArgumentException(
          "PC index must be +-1..+-"
              + components
              + " (1-based, sign flips the axis); got "
              + signedPc);
    }
    double s = signedPc < 0 ? -1 : 1;
    double[] v = new double[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = s * eigenvectors[i * components + pc - 1];
    }
    return v;
  }
}
