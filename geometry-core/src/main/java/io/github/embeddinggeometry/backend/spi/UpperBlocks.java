package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * A distance kernel's own stream of the strict upper triangle of a matrix's distances to itself,
 * for the analyses that need every pair once (pairwise statistics, near-duplicate clusters). Not
 * public API: the CPU kernel has it, and the argument-checking wrapper passes it on.
 *
 * @since 0.1
 */
public interface UpperBlocks {
  /**
   * Receives blocks as {@code metric.DistanceBlockConsumer} does (its own type, so that this
   * package does not depend on {@code metric}, which depends on it).
   */
  @FunctionalInterface
  interface Blocks {
    /**
     * Receives one block.
     *
     * @param rowFrom first row of the block (inclusive)
     * @param rowTo last row (exclusive)
     * @param block the distances, row-major. Not to be kept.
     * @param stride row stride of {@code block}
     */
    void accept(int rowFrom, int rowTo, float[] block, int stride);
  }

  /**
   * The distance kernel's upper-triangle stream, or null when it has none (callers then ask its
   * {@code forEachBlock} for bands of rows).
   *
   * @param kernel a distance kernel
   * @return its stream, or null
   */
  static UpperBlocks of(Object kernel) {
    return kernel instanceof UpperBlocks u && u.hasUpperBlocks() ? u : null;
  }

  /** Receives one tile of {@link #forEachTileAbove}. */
  @FunctionalInterface
  interface Tiles {
    /**
     * @param rowFrom first row of the tile (inclusive)
     * @param rowTo last row (exclusive)
     * @param colFrom first column (inclusive)
     * @param colTo last column (exclusive)
     * @param tile {@code d(x_i, x_j)} at {@code tile[(i - rowFrom) * stride + (j - colFrom)]} for
     *     the entries with {@code j > i}; the others hold anything. Not to be kept.
     * @param stride row stride of {@code tile}
     */
    void accept(int rowFrom, int rowTo, int colFrom, int colTo, float[] tile, int stride);
  }

  /**
   * As {@link #forEachBlockAbove}, in tiles of the kernel's own size instead of whole rows: every
   * pair above the diagonal lies in exactly one tile, with the same bits, and nothing of the size
   * of a row block is held, so the query tiles can be as tall as the kernel wants them (the
   * products of short row blocks stream the whole base per few rows). The default hands over the
   * row blocks of {@link #forEachBlockAbove} as tiles as wide as the matrix.
   *
   * @param x the rows. Not modified.
   * @param consumer receives the tiles, concurrently and in any order; must be thread-safe
   * @param progress receives progress and may cancel. Not modified.
   */
  default void forEachTileAbove(EmbeddingMatrix x, Tiles consumer, ProgressListener progress) {
    int n = x.rows();
    forEachBlockAbove(
        x,
        64,
        (from, to, block, stride) -> consumer.accept(from, to, 0, n, block, stride),
        progress);
  }

  /**
   * Whether {@link #forEachBlockAbove} skips the products below the diagonal.
   *
   * @return true when it does
   */
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
