package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.CausalMetric;
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
   * The causal row map: every row w to {@code L^T w}, where {@code M = L L^T} is the metric's
   * Cholesky factorisation; Euclidean distances of mapped rows are causal distances (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#causal-metric">causal
   * metric</a>). The sums run in float64 and are rounded once to float32. A causal kernel of this
   * backend maps its rows the same way, on the device where the backend has one.
   *
   * <p>The default is the CPU backend's map, {@link CausalMetric#map(EmbeddingMatrix,
   * ProgressListener)}; a GPU backend overrides it with a map on the device, which agrees within
   * float32 rounding (see the backend's documentation for where it is bit-equal).
   *
   * @param w the rows, d values each. Not modified.
   * @param metric the metric tensor with its factor
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return a new N x d matrix with the ids of {@code w}
   * @throws IllegalArgumentException if the rows do not have the metric's dimension, or a row is
   *     not finite
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  default EmbeddingMatrix mapRows(
      EmbeddingMatrix w, CausalMetric metric, ProgressListener progress) {
    return metric.map(w, progress);
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
