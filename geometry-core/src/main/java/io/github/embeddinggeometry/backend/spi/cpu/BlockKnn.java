package io.github.embeddinggeometry.backend.spi.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;

/**
 * k nearest neighbours between row blocks of one matrix, for engines that cut the rows into blocks
 * on several machines (geometry-spark) and merge the per-block lists afterwards: the lists of a
 * row, merged over all blocks by (distance, row), are exactly the single machine's k-NN lists,
 * whatever the block boundaries (up to the last bits for rows near float32's limits, which each
 * call scales by its own blocks). Runs on the calling thread only: a distributed task is one core's
 * work.
 *
 * @since 0.1
 */
public final class BlockKnn {
  private final io.github.embeddinggeometry.internal.cpu.BlockKnn engine;

  private BlockKnn(io.github.embeddinggeometry.internal.cpu.BlockKnn engine) {
    this.engine = engine;
  }

  /**
   * Euclidean distances; the causal metric is this on rows mapped by its Cholesky factor.
   *
   * @return a k-NN on the kernel in use
   */
  public static BlockKnn euclidean() {
    return new BlockKnn(io.github.embeddinggeometry.internal.cpu.BlockKnn.euclidean());
  }

  /**
   * Cosine distances.
   *
   * @return a k-NN on the kernel in use
   */
  public static BlockKnn cosine() {
    return new BlockKnn(io.github.embeddinggeometry.internal.cpu.BlockKnn.cosine());
  }

  /**
   * The candidates of each row of one block among the rows of another: {@code k} per row (fewer
   * than asked when the other block is small), nearest first by (distance, index).
   *
   * @param rows rows of the block the lists are for
   * @param k candidates per row
   * @param index row-major {@code rows x k}: rows of the other block, local to it
   * @param distance the matching distances
   * @since 0.1
   */
  public record Lists(int rows, int k, int[] index, float[] distance) {}

  /**
   * Each row's nearest rows of the same block, itself excluded by index.
   *
   * @param a the block. Not modified.
   * @param k candidates per row asked for
   * @return {@code min(k, rows - 1)} per row
   */
  public Lists within(EmbeddingMatrix a, int k) {
    return lists(engine.within(a, k));
  }

  /**
   * Both directions of two different blocks in one sweep of their tiles.
   *
   * @param a one block. Not modified.
   * @param b the other. Not modified.
   * @param k candidates per row asked for
   * @return {@code [a's rows among b's, b's rows among a's]}
   */
  public Lists[] between(EmbeddingMatrix a, EmbeddingMatrix b, int k) {
    io.github.embeddinggeometry.internal.cpu.BlockKnn.Lists[] both = engine.between(a, b, k);
    return new Lists[] {lists(both[0]), lists(both[1])};
  }

  /**
   * The nearest rows of {@code base} to each query row, excluding base row {@code self[i]} (-1 for
   * none) from query row i's candidates.
   *
   * @param queries the query rows. Not modified.
   * @param base the base rows. Not modified.
   * @param k candidates per row asked for
   * @param self per query row, the base row to exclude or -1. Not modified.
   * @return {@code min(k, candidates)} per row, where every query row has the same number of
   *     candidates
   */
  public Lists query(EmbeddingMatrix queries, EmbeddingMatrix base, int k, int[] self) {
    return lists(engine.query(queries, base, k, self));
  }

  private static Lists lists(io.github.embeddinggeometry.internal.cpu.BlockKnn.Lists l) {
    return new Lists(l.rows(), l.k(), l.index(), l.distance());
  }
}
