package io.github.embeddinggeometry.density;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Objects;

/**
 * k-nearest-neighbour density (spec section 5): for row i with k nearest neighbours (self excluded
 * by index, never by value; ties by lower row index), {@code r_i} = mean distance to them and
 * {@code rho_k(i) = 1 / r_i}, {@code +infinity} when {@code r_i = 0} (k or more exact duplicates).
 *
 * <p>The neighbours come from the kernel's streaming {@link DistanceKernel#nearest}, so the N x N
 * matrix is never held; the kernel fixes the metric and the backend.
 *
 * @since 0.1
 */
public final class KnnDensity implements DensityEstimator {
  private final int k;
  private final DistanceKernel kernel;

  private KnnDensity(int k, DistanceKernel kernel) {
    this.k = k;
    this.kernel = kernel;
  }

  /**
   * @param k neighbours per row, at least 1 (the notebooks use 20)
   * @param kernel the metric and backend
   */
  public static KnnDensity of(int k, DistanceKernel kernel) {
    Objects.requireNonNull(kernel, "kernel");
    if (k < 1) {
      throw new IllegalArgumentException("k-NN density needs k >= 1; got k = " + k);
    }
    return new KnnDensity(k, kernel);
  }

  /** Neighbours per row. */
  public int k() {
    return k;
  }

  /** The kernel the neighbours are found with. */
  public DistanceKernel kernel() {
    return kernel;
  }

  /**
   * @throws IllegalArgumentException if w has k rows or fewer
   */
  @Override
  public DensityField estimate(EmbeddingMatrix w, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    if (w.rows() <= k) {
      throw new IllegalArgumentException(
          "k-NN density with k = " + k + " needs more than k rows; got " + w.rows());
    }
    Neighbours nb = kernel.nearest(w, k, progress);
    return DensityField.of(nb);
  }
}
