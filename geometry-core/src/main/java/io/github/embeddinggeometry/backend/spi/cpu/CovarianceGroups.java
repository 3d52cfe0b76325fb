package io.github.embeddinggeometry.backend.spi.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.TileKernel;

/**
 * The covariance partials of groups of rows, formed exactly as the CPU backend forms them, for
 * engines that compute groups on several machines and combine them in the tree of {@link
 * CanonicalSums}. Not thread-safe: one per task.
 *
 * @since 0.1
 */
public final class CovarianceGroups {
  private final io.github.embeddinggeometry.internal.cpu.CovarianceGroups engine;

  /**
   * Partials of {@code d}-dimensional rows.
   *
   * @param kern the micro-kernel; every machine combining partials must use the same arithmetic
   * @param d the row dimension
   */
  public CovarianceGroups(TileKernel kern, int d) {
    this.engine = new io.github.embeddinggeometry.internal.cpu.CovarianceGroups(kern, d);
  }

  /**
   * The packed partial of rows {@code [from, to)}.
   *
   * @param w the rows. Not modified.
   * @param mean the column mean the products are centred on. Not modified.
   * @param from first row (inclusive), the first of a group
   * @param to last row (exclusive), at most {@link CanonicalSums#GROUP_ROWS} after {@code from}
   * @return the packed partial, {@link CanonicalSums#packedLength} values
   */
  public double[] partial(EmbeddingMatrix w, double[] mean, int from, int to) {
    return engine.partial(w, mean, from, to);
  }
}
