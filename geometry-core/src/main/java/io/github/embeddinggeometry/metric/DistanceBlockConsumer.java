package io.github.embeddinggeometry.metric;

/**
 * Receives one block of a streamed distance matrix. The block array is reused for the next block:
 * copy what you keep. Called from worker threads, possibly concurrently for different blocks.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface DistanceBlockConsumer {
  /**
   * Receives the distances of query rows {@code [rowFrom, rowTo)} to every base row.
   *
   * @param rowFrom first query row of the block (inclusive)
   * @param rowTo last query row (exclusive)
   * @param block distances, {@code block[(i - rowFrom) * stride + j]} = d(query i, base j) for all
   *     base rows j. Not to be kept.
   * @param stride row stride of {@code block}, at least the number of base rows
   */
  void accept(int rowFrom, int rowTo, float[] block, int stride);
}
