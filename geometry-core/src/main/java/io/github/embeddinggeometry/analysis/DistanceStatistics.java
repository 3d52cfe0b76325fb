package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;

/**
 * Statistics of the pairwise distances of a set of rows over the strict upper triangle {@code i <
 * j} (spec section 4, notebook 1.4b): count, min, exact median, mean, max and the number of exact
 * zeros.
 *
 * @param count number of pairs, {@code n (n - 1) / 2}
 * @param min smallest distance
 * @param median exact median; for an even count the average of the two middle values
 * @param mean mean distance, accumulated in double
 * @param max largest distance
 * @param exactZeroPairs pairs at distance exactly 0 (bitwise-equal rows)
 * @since 0.1
 */
public record DistanceStatistics(
    long count, double min, double median, double mean, double max, long exactZeroPairs) {

  /**
   * Streams the distance matrix of {@code rows} through {@code kernel} (never materialising it)
   * and computes the statistics exactly.
   *
   * @param rows at least 2 rows; not modified
   * @throws IllegalArgumentException if there are fewer than 2 rows
   */
  public static DistanceStatistics of(
      EmbeddingMatrix rows, DistanceKernel kernel, ProgressListener progress) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
