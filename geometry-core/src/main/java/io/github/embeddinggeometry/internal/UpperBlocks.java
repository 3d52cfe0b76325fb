package io.github.embeddinggeometry.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * A distance kernel's own stream of the strict upper triangle of a matrix's distances to itself,
 * for the analyses that need every pair once (pairwise statistics, near-duplicate clusters). Not
 * public API: the CPU kernel has it, and the argument-checking wrapper passes it on.
 */
public interface UpperBlocks {
  /**
   * Receives blocks as {@code metric.DistanceBlockConsumer} does (its own type, so that this
   * package does not depend on {@code metric}, which depends on it).
   */
  @FunctionalInterface
  interface Blocks {
    void accept(int rowFrom, int rowTo, float[] block, int stride);
  }

  /**
   * The distance kernel's upper-triangle stream, or null when it has none (callers then ask its
   * {@code forEachBlock} for bands of rows).
   */
  static UpperBlocks of(Object kernel) {
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
      EmbeddingMatrix x, int blockRows, Blocks consumer, ProgressListener progress);
}
