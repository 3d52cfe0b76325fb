package io.github.embeddinggeometry.density;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * Estimates a density value for every row of an embedding matrix.
 *
 * @since 0.1
 */
public interface DensityEstimator {
  /**
   * The density field over the rows of {@code w}.
   *
   * @param w the rows; not modified
   */
  DensityField estimate(EmbeddingMatrix w, ProgressListener progress);

  /** k-NN density with {@code k} neighbours in {@code kernel}'s metric. */
  static DensityEstimator knn(int k, io.github.embeddinggeometry.metric.DistanceKernel kernel) {
    return KnnDensity.of(k, kernel);
  }
}
