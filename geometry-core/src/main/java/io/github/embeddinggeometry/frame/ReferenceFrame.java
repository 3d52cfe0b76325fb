package io.github.embeddinggeometry.frame;

import java.util.Objects;

/**
 * An origin plus a PCA basis of a d-dimensional embedding space (spec sections 2, 3, 6).
 *
 * <p>Eigenvalues are sorted descending; eigenvectors are the columns of a d x d matrix, each signed
 * so that its component of largest absolute value is positive (ties: lowest index). PCs are
 * addressed 1-based, a negative index flipping the axis, as in the notebooks.
 *
 * @since 0.1
 */
public final class ReferenceFrame {
  private final int dim;
  private final float[] origin;
  private final double[] eigenvalues;
  private final double[] eigenvectors;

  private ReferenceFrame(int dim, float[] origin, double[] eigenvalues, double[] eigenvectors) {
    this.dim = dim;
    this.origin = origin;
    this.eigenvalues = eigenvalues;
    this.eigenvectors = eigenvectors;
  }

  /**
   * A frame from its parts, all copied.
   *
   * @param origin length d, or null for the zero origin
   * @param eigenvalues length d, descending
   * @param eigenvectors row-major d x d; column j is PC j+1
   */
  public static ReferenceFrame of(float[] origin, double[] eigenvalues, double[] eigenvectors) {
    Objects.requireNonNull(eigenvalues, "eigenvalues");
    Objects.requireNonNull(eigenvectors, "eigenvectors");
    int d = eigenvalues.length;
    if ((long) d * d != eigenvectors.length) {
      throw new IllegalArgumentException(
          "eigenvectors must be d x d = " + d + " x " + d + "; got " + eigenvectors.length
              + " values");
    }
    if (origin != null && origin.length != d) {
      throw new IllegalArgumentException("origin has " + origin.length + " values, d = " + d);
    }
    return new ReferenceFrame(
        d, origin == null ? new float[d] : origin.clone(), eigenvalues.clone(), eigenvectors.clone());
  }

  /** The same basis around another origin (e.g. a cluster centroid). */
  public ReferenceFrame withOrigin(float[] newOrigin) {
    return of(newOrigin, eigenvalues, eigenvectors);
  }

  /** Dimension d. */
  public int dim() {
    return dim;
  }

  /** The origin, a copy. */
  public float[] origin() {
    return origin.clone();
  }

  /** Eigenvalues, descending, a copy. */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /** Eigenvectors, row-major d x d with PCs as columns, a copy. */
  public double[] eigenvectors() {
    return eigenvectors.clone();
  }

  /**
   * The unit axis of PC {@code |signedPc|} (1-based), negated when {@code signedPc < 0}.
   *
   * @throws IllegalArgumentException if the index is 0 or beyond d
   */
  public double[] axis(int signedPc) {
    int pc = Math.abs(signedPc);
    if (pc < 1 || pc > dim) {
      throw new IllegalArgumentException(
          "PC index must be +-1..+-" + dim + " (1-based, sign flips the axis); got " + signedPc);
    }
    double s = signedPc < 0 ? -1 : 1;
    double[] v = new double[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = s * eigenvectors[i * dim + pc - 1];
    }
    return v;
  }
}
