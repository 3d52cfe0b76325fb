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
 * @since 0.1
 */
public interface ComputeBackend extends AutoCloseable {
  /** Short name, e.g. "cpu" or "cuda". */
  String name();

  /** One line describing the implementation in use, e.g. "cpu (Vector API, 256-bit, 2 threads)". */
  String description();

  /** A distance kernel for {@code metric}. */
  DistanceKernel distanceKernel(MetricSpace metric);

  /**
   * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)} as a row-major d x d double array,
   * accumulated so that float32 rounding does not grow with N (spec section 2).
   *
   * @param mean the column means mu, length d, in double. Not modified.
   */
  double[] covariance(EmbeddingMatrix w, double[] mean, ProgressListener progress);

  /** Releases native resources, if any. Idempotent. */
  @Override
  default void close() {}
}
