package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.backend.spi.Parallel;
import java.util.Objects;

/**
 * An origin plus a PCA basis of a d-dimensional embedding space: the frame that spherical
 * coordinates, PC scores and the saved reference-frame files are taken in (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA basis</a>
 * and <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#reference-frame-file">reference
 * frame file</a>).
 *
 * <p>Eigenvalues are sorted descending; eigenvectors are the columns of a d x k matrix (k = d for a
 * full frame, k &lt; d for a frame of the leading PCs only, see {@link Pca#top}), each signed so
 * that its component of largest absolute value is positive (ties: lowest index). PCs are addressed
 * 1-based, a negative index flipping the axis, as in the notebooks.
 *
 * <p><b>Units.</b> The origin and every projection are in the units of the embedding matrix (PC
 * scores, {@code x, y, z, r} of spherical coordinates); eigenvalues are variances, in those units
 * squared.
 *
 * <p><b>Exceptions.</b> Factories and methods throw {@link IllegalArgumentException} for shapes
 * that do not match (naming both sizes), a PC index of 0 or beyond the PCs held, and rows holding
 * NaN or infinity; {@link NullPointerException} for null arguments that are not documented as
 * optional.
 *
 * <p><b>Thread safety.</b> Immutable: every array passed in is copied and every array returned is a
 * copy, so a frame is safe to share between threads.
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
   * @param origin length d, or null for the zero origin. Not modified.
   * @param eigenvalues length d, descending. Not modified.
   * @param eigenvectors row-major d x d; column j is PC j+1. Not modified.
   * @return the frame
   * @throws IllegalArgumentException if the lengths do not match
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
   * @param origin length d, or null for the zero origin. Not modified.
   * @param eigenvalues length k (1 &lt;= k &lt;= d), descending. Not modified.
   * @param eigenvectors row-major d x k; column j is PC j+1. Not modified.
   * @return the frame
   * @throws IllegalArgumentException if the lengths do not match or k is not in [1, d]
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

  /**
   * The same basis around another origin, e.g. a cluster centroid.
   *
   * @param newOrigin length d, or null for the zero origin. Not modified.
   * @return a new frame
   * @throws IllegalArgumentException if {@code newOrigin} does not have d values
   */
  public ReferenceFrame withOrigin(float[] newOrigin) {
    return of(dim, newOrigin, eigenvalues, eigenvectors);
  }

  /**
   * Dimension d.
   *
   * @return the length of a row
   */
  public int dim() {
    return dim;
  }

  /**
   * Number of PCs held.
   *
   * @return k, d for a full frame
   */
  public int components() {
    return components;
  }

  /**
   * Whether all d PCs are held; only such a frame can be saved as a reference frame file.
   *
   * @return true when k = d
   */
  public boolean isFull() {
    return components == dim;
  }

  /**
   * The origin.
   *
   * @return a copy, length d (zeros for the zero origin)
   */
  public float[] origin() {
    return origin.clone();
  }

  /**
   * The eigenvalues.
   *
   * @return a copy, length k, descending
   */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /**
   * The eigenvectors.
   *
   * @return a copy, row-major d x k, PCs as columns
   */
  public double[] eigenvectors() {
    return eigenvectors.clone();
  }

  /**
   * The unit axis of PC {@code |signedPc|} (1-based), negated when {@code signedPc < 0}.
   *
   * @param signedPc 1-based PC index; negative flips the axis
   * @return a new array of length d
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

  /**
   * PC scores: every row, minus the origin, projected on the first {@code components} PCs, {@code
   * s_ij = sum_l (w_il - origin_l) v_lj}, accumulated in float64 over l in ascending order and
   * rounded once to float32. With the zero origin ({@link PcaResult#frame()}) these are the
   * notebooks' uncentred projections; with the column mean as origin ({@link
   * PcaResult#frame(float[])} given the mean rounded to float32) they are the classic centred PC
   * scores.
   *
   * @param w the rows, d values each. Not modified.
   * @param components number of leading PCs to project on, in {@code [1, components()]}
   * @param progress receives progress and may cancel. Not modified.
   * @return an N x {@code components} matrix with the ids of {@code w}; column j is PC j+1
   * @throws IllegalArgumentException if {@code w} has another dimension, {@code components} is out
   *     of range, or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public EmbeddingMatrix project(EmbeddingMatrix w, int components, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(progress, "progress");
    if (w.dim() != dim) {
      throw new IllegalArgumentException(
          "rows have d = " + w.dim() + " but the reference frame has d = " + dim);
    }
    checkComponents(components);
    Arguments.finiteRows(w, 0, w.rows(), "rows", "a projection");
    int n = w.rows();
    int c = components;
    float[] out = new float[Math.multiplyExact(n, c)];
    float[] a = w.backingArray();
    rowChunks(
        "PC scores",
        n,
        () -> new double[c],
        (acc, row) -> {
          java.util.Arrays.fill(acc, 0);
          int o = w.rowOffsetInt(row);
          // Row l of the d x k eigenvector matrix holds component l of every PC: walking it keeps
          // the inner loop contiguous, and each score still sums over l in ascending order.
          for (int l = 0; l < dim; l++) {
            double v = (double) a[o + l] - origin[l];
            int e = l * this.components;
            for (int j = 0; j < c; j++) {
              acc[j] += v * eigenvectors[e + j];
            }
          }
          for (int j = 0; j < c; j++) {
            out[row * c + j] = (float) acc[j];
          }
        },
        progress);
    return EmbeddingMatrix.wrap(out, n, c).withIds(w.ids());
  }

  /**
   * Back-projection of PC scores: {@code w_il = origin_l + sum_j s_ij v_lj} over the first {@code
   * scores.dim()} PCs, accumulated in float64 over j in ascending order and rounded once to
   * float32. The inverse of {@link #project} for a full frame (up to float32 rounding); with fewer
   * PCs, the closest point of the spanned subspace.
   *
   * @param scores N x c PC scores, c in {@code [1, components()]}, column j for PC j+1. Not
   *     modified.
   * @param progress receives progress and may cancel. Not modified.
   * @return an N x d matrix with the ids of {@code scores}
   * @throws IllegalArgumentException if {@code scores} has more columns than PCs held, or a row is
   *     not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public EmbeddingMatrix reconstruct(EmbeddingMatrix scores, ProgressListener progress) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(progress, "progress");
    int c = scores.dim();
    checkComponents(c);
    Arguments.finiteRows(scores, 0, scores.rows(), "scores", "a back-projection");
    int n = scores.rows();
    float[] out = new float[Math.multiplyExact(n, dim)];
    float[] a = scores.backingArray();
    rowChunks(
        "back-projection",
        n,
        () -> new double[c],
        (s, row) -> {
          int o = scores.rowOffsetInt(row);
          for (int j = 0; j < c; j++) {
            s[j] = a[o + j];
          }
          for (int l = 0; l < dim; l++) {
            double v = origin[l];
            int e = l * components;
            for (int j = 0; j < c; j++) {
              v += s[j] * eigenvectors[e + j];
            }
            out[row * dim + l] = (float) v;
          }
        },
        progress);
    return EmbeddingMatrix.wrap(out, n, dim).withIds(scores.ids());
  }

  private void checkComponents(int c) {
    if (c < 1 || c > components) {
      throw new IllegalArgumentException(
          "number of PCs must be in [1, " + components + "] (the PCs this frame holds); got " + c);
    }
  }

  /** Per-row work with a per-thread scratch array. */
  private interface RowTask {
    void run(double[] scratch, int row);
  }

  private static void rowChunks(
      String task,
      int n,
      java.util.function.Supplier<double[]> scratch,
      RowTask body,
      ProgressListener progress) {
    final int chunk = 256;
    Parallel.run(
        task,
        (n + chunk - 1) / chunk,
        n,
        scratch,
        (acc, t) -> {
          int to = Math.min(n, (t + 1) * chunk);
          for (int row = t * chunk; row < to; row++) {
            body.run(acc, row);
          }
          return to - t * chunk;
        },
        progress);
  }
}
