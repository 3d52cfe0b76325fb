package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.TileKernel;

/**
 * The covariance partials of groups, one after another on the calling thread plus the library pool:
 * the only place that decides how a group's products are formed (see {@link Covariance}), in the
 * order of {@link CanonicalSums}.
 */
public final class CovarianceGroups {
  private final Covariance.GroupSums sums;
  private final double[] scratch;

  /**
   * @param kern the micro-kernel; every machine combining partials must use the same arithmetic
   */
  public CovarianceGroups(TileKernel kern, int d) {
    this.sums = new Covariance.GroupSums(kern, d);
    this.scratch = sums.newAccumulator();
  }

  /**
   * The packed partial of rows {@code [from, to)}, at most {@link CanonicalSums#GROUP_ROWS} of
   * them.
   */
  public double[] partial(EmbeddingMatrix w, double[] mean, int from, int to) {
    sums.partial(w, mean, from, to, ProgressListener.NONE, scratch);
    return sums.packed(scratch);
  }
}
