package io.github.embeddinggeometry.backend;

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
   * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)} as a row-major d x d double array,
   * accumulated so that float32 rounding does not grow with N (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis">PCA
   * basis</a>).
   *
   * @param w the rows, at least one. Not modified.
   * @param mean the column means mu, length d, in double. Not modified.
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return a new row-major d x d array, symmetric
   * @throws IllegalArgumentException if {@code w} has no rows, {@code mean} has another length or
   *     is not finite, or a row is not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  double[] covariance(EmbeddingMatrix w, double[] mean, ProgressListener progress);

  /**
   * As {@link #covariance(EmbeddingMatrix, double[], ProgressListener)}, without progress reports.
   *
   * @param w the rows, at least one. Not modified.
   * @param mean the column means mu, length d, in double. Not modified.
   * @return a new row-major d x d array, symmetric
   * @throws IllegalArgumentException if {@code w} has no rows, {@code mean} has another length or
   *     is not finite, or a row is not finite
   */
  default double[] covariance(EmbeddingMatrix w, double[] mean) {
    return covariance(w, mean, ProgressListener.NONE);
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
