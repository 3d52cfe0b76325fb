package io.github.embeddinggeometry.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;

/**
 * A distance kernel's own stream of the strict upper triangle of a matrix's distances to itself,
 * for the analyses that need every pair once (pairwise statistics, near-duplicate clusters). Not
 * public API: the CPU kernel has it, and the argument-checking wrapper passes it on.
 */
public interface UpperBlocks {
  /**
   * The kernel's upper-triangle stream, or null when it has none (callers then ask {@link
   * DistanceKernel#forEachBlock} for bands of rows).
   */
  static UpperBlocks of(DistanceKernel kernel) {
    return kernel instanceof UpperBlocks u && u.hasUpperBlocks() ? u : null;
  }

  /** Whether {@link #forEachBlockAbove} skips the products below the diagonal. */
  boolean hasUpperBlocks();

  /**
   * As {@code forEachBlock(x, x, blockRows, consumer, progress)}, except that only the entries
   * above the diagonal are defined: for query row i of a block, {@code d(x_i, x_j)} is at {@code
   * block[(i - rowFrom) * stride + j]} for {@code j > i}, with the same bits as the full stream
   * gives there; the entries at {@code j <= i} hold anything. Micro-tiles wholly on or below the
   * diagonal are not computed, and the rows are measured and packed once.
   *
   * @param x the rows. Not modified.
   * @param blockRows most query rows per block, at least 1
   * @param consumer receives the blocks, concurrently and in any order; must be thread-safe
   * @param progress receives progress and may cancel. Not modified.
   */
  void forEachBlockAbove(
      EmbeddingMatrix x, int blockRows, DistanceBlockConsumer consumer, ProgressListener progress);
}
