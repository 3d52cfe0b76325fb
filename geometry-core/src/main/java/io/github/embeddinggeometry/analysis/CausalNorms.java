package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import io.github.embeddinggeometry.metric.CausalMetric;
import java.util.Objects;

/**
 * Causal norms of rows under a causal (Mahalanobis) metric (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#causal-metric">causal
 * metric</a>).
 *
 * <p>The metric is estimated from the data with {@link CausalMetric#inverseOf} ({@code M = (C +
 * ridge I)^-1} of a backend's {@link io.github.embeddinggeometry.Covariance}), or a given M is
 * wrapped with {@link CausalMetric#of(double[], int)}. Causal distances come from a kernel of
 * {@code MetricSpace.causal(m)}, which maps rows by the Cholesky factor; {@link #norms} uses the
 * same map.
 *
 * @since 0.1
 */
public final class CausalNorms {
  private CausalNorms() {}

  /**
   * Causal norms {@code ||g||_M = sqrt(g^T M g)} of the raw (uncentred) rows, computed as {@code
   * ||L^T g||} in double (the notebook's definition), one per row in row order, reporting progress
   * per row chunk. The products are those of the causal kernel's row map ({@link CausalMetric#map})
   * before it rounds them to float32; each norm depends only on its row and M, never on the threads
   * or the row's position.
   *
   * @param w the rows. Not modified.
   * @param m the metric
   * @param progress receives progress and may cancel. Not modified.
   * @return a new array, one norm per row, in logometers
   * @throws IllegalArgumentException if the rows do not have the metric's dimension, or a row is
   *     not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static double[] norms(EmbeddingMatrix w, CausalMetric m, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(m, "metric");
    int d = m.dim();
    if (w.dim() != d) {
      throw new IllegalArgumentException(
          "rows have d = " + w.dim() + " but metric tensor M is " + d + " x " + d);
    }
    // NaN norms would surface later as an unrelated "scalar value is not finite".
    Arguments.finiteRows(w, 0, w.rows(), "rows", "a causal norm");
    return CausalMap.norms(Kernels.get(), w, m.choleskyLower(), progress);
  }
}
