package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * A distance kernel that computes the statistics of all pairwise distances where its data lives,
 * rather than streaming every distance to the caller: {@code analysis.DistanceStatistics} hands it
 * the work when nothing else needs the distances (no pair sink). A distributed backend's kernel
 * implements it to run the pairs on its cluster and return six numbers, not {@code n (n - 1) / 2}
 * distances. It must give the same bits as the stream: every field is order-free (exact sum,
 * counts, min, max), the median exact.
 *
 * @since 0.1
 */
public interface PairStatistics {
  /**
   * The kernel's own statistics, or null when it has none (the caller then streams the pairs).
   *
   * @param kernel a distance kernel
   * @return its statistics, or null
   */
  static PairStatistics of(Object kernel) {
    return kernel instanceof PairStatistics p && p.hasPairStatistics() ? p : null;
  }

  /**
   * Whether {@link #pairStatistics} is the kernel's own (a wrapper has it when what it wraps has).
   *
   * @return true when it is
   */
  boolean hasPairStatistics();

  /**
   * Count, min, exact median, mean, max and exact zeros of the distances {@code d(x_i, x_j)},
   * {@code i < j}, as {@code analysis.DistanceStatistics.of} computes them from the kernel's
   * distances, bit for bit.
   *
   * @param x at least 2 rows. Not modified.
   * @param progress receives progress and may cancel. Not modified.
   * @return the statistics, in the kernel's distance units
   */
  Statistics pairStatistics(EmbeddingMatrix x, ProgressListener progress);

  /**
   * The fields of {@code analysis.DistanceStatistics} (its own type, so that this package does not
   * depend on {@code analysis}, which depends on it).
   *
   * @param count number of pairs, {@code n (n - 1) / 2}
   * @param min smallest distance
   * @param median exact median; for an even count the average of the two middle values
   * @param mean the exact sum, rounded once to double, divided by the count; NaN when the sum is
   *     infinite (a distance beyond float32's range)
   * @param max largest distance
   * @param exactZeroPairs pairs at distance exactly 0
   * @since 0.1
   */
  public record Statistics(
      long count, double min, double median, double mean, double max, long exactZeroPairs) {}
}
