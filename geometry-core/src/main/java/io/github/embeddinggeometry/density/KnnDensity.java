package io.github.embeddinggeometry.density;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Objects;

/**
 * k-nearest-neighbour density: for row i with k nearest neighbours (self excluded by index, never
 * by value; ties by lower row index), {@code r_i} = mean distance to them and {@code rho_k(i) = 1 /
 * r_i}, {@code +infinity} when {@code r_i = 0} (k or more exact duplicates). See <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#k-nearest-neighbours-and-density">the
 * definitions</a>.
 *
 * <p>The neighbours come from the kernel's streaming {@link DistanceKernel#nearest}, so the N x N
 * matrix is never held; the kernel fixes the metric and the backend.
 *
 * <p>Immutable and thread-safe as long as its kernel is.
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
   * A k-NN density estimator.
   *
   * @param k neighbours per row, at least 1 (the notebooks use 20); at most N - 1 for a matrix of N
   *     rows, checked by {@link #estimate}
   * @param kernel the metric and backend. Not closed by this estimator.
   * @return the estimator
   * @throws IllegalArgumentException if {@code k < 1}
   */
  public static KnnDensity of(int k, DistanceKernel kernel) {
    Objects.requireNonNull(kernel, "kernel");
    Arguments.positiveK(k);
    return new KnnDensity(k, kernel);
  }

  /**
   * Neighbours per row.
   *
   * @return k
   */
  public int k() {
    return k;
  }

  /**
   * The kernel the neighbours are found with.
   *
   * @return the kernel given to {@link #of}
   */
  public DistanceKernel kernel() {
    return kernel;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code k > N - 1} (with the same message as {@link
   *     DistanceKernel#nearest(EmbeddingMatrix, int, ProgressListener)}) or a row is not finite
   */
  @Override
  public DensityField estimate(EmbeddingMatrix w, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(progress, "progress");
    Arguments.k(k, w.rows() - 1, w.rows(), true);
    Neighbours nb = kernel.nearest(w, k, progress);
    return DensityField.of(nb);
  }
}
