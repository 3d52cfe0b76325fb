package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;

/**
 * One way of running the GEMM-shaped work: the pure-Java CPU backend, or a GPU backend plugged in
 * through {@link BackendProvider}. Analyses only talk to this interface, so a caller writes the
 * same code for CPU and GPU.
 *
 * <p>Get one from {@link Backends}: {@link Backends#get()} and {@link Backends#cpu()} return a
 * shared backend the library owns (its {@link #close()} does nothing), {@link
 * Backends#create(String)} one the caller owns and closes. Every backend from {@link Backends}
 * checks its arguments the same way before computing. Implementations are thread-safe.
 *
 * @since 0.1
 */
public interface ComputeBackend extends AutoCloseable {
  /**
   * Short name.
   *
   * @return e.g. "cpu" or "cuda", the name {@link Backends#create(String)} accepts
   */
  String name();

  /**
   * One line describing the implementation in use.
   *
   * @return e.g. "cpu (Vector API, 256-bit, 2 threads)"
   */
  String description();

  /**
   * A distance kernel for {@code metric}. The caller owns it and closes it.
   *
   * @param metric the metric of the distances
   * @return a new kernel
   * @throws IllegalArgumentException if the backend cannot compute in this metric
   */
  DistanceKernel distanceKernel(MetricSpace metric);

  /**
   * The column mean {@code mu} and the biased covariance {@code C = (1/N) (W - mu)^T (W - mu)} of
   * the rows, both in double, accumulated so that float32 rounding does not grow with N (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA
   * basis</a>). The CPU backend sums in one fixed order, so its result does not depend on the
   * number of threads.
   *
   * @param w the rows, at least one. Not modified.
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return mean, d x d matrix and N
   * @throws IllegalArgumentException if {@code w} has no rows or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  Covariance covariance(EmbeddingMatrix w, ProgressListener progress);

  /**
   * As {@link #covariance(EmbeddingMatrix, ProgressListener)}, without progress reports.
   *
   * @param w the rows, at least one. Not modified.
   * @return mean, d x d matrix and N
   * @throws IllegalArgumentException if {@code w} has no rows or a row is not finite
   */
  default Covariance covariance(EmbeddingMatrix w) {
    return covariance(w, ProgressListener.NONE);
  }

  /**
   * Releases native resources, if any. Idempotent; does nothing on a shared backend from {@link
   * Backends#get()} or {@link Backends#cpu()}. On a backend from {@link Backends#create(String)}
   * every call afterwards throws {@link IllegalStateException}; kernels it made earlier stay the
   * caller's to close.
   */
  @Override
  default void close() {}
}
