package io.github.embeddinggeometry.density;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;

/**
 * Estimates a density value for every row of an embedding matrix.
 *
 * <p><b>Units.</b> A density is the reciprocal of a distance in the estimator's metric: 1/embedding
 * units for Euclidean distances, 1/logometers for a causal metric, 1/(cosine distance) for cosine.
 * A row with k or more exact duplicates has density {@code +infinity}, never a finite stand-in (see
 * <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#infinite-values">infinite
 * values</a>).
 *
 * <p><b>Thread safety.</b> Implementations are immutable; {@link #estimate} may be called from
 * several threads at once, each call using all cores (or the GPU) itself.
 *
 * <p><b>Exceptions.</b> Every argument is checked before any work starts: {@link
 * NullPointerException} for a null argument, {@link IllegalArgumentException} for a matrix the
 * estimator cannot handle (too few rows for k, a row holding NaN or infinity, named by row and
 * vocabulary id). {@link java.util.concurrent.CancellationException} when the listener cancels.
 *
 * @since 0.1
 */
public interface DensityEstimator {
  /**
   * The density field over the rows of {@code w}, reporting progress.
   *
   * @param w the rows. Not modified.
   * @param progress receives progress and may cancel. Not modified.
   * @return one density per row of {@code w}, in row order
   * @throws IllegalArgumentException if {@code w} has too few rows for the estimator or a row is
   *     not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  DensityField estimate(EmbeddingMatrix w, ProgressListener progress);

  /**
   * k-NN density with {@code k} neighbours in {@code kernel}'s metric.
   *
   * @param k neighbours per row, at least 1 (at most N - 1 for N rows)
   * @param kernel the metric and backend. Not closed by the estimator.
   * @return {@link KnnDensity#of KnnDensity.of(k, kernel)}
   * @throws IllegalArgumentException if {@code k < 1}
   */
  static DensityEstimator knn(int k, DistanceKernel kernel) {
    return KnnDensity.of(k, kernel);
  }
}
