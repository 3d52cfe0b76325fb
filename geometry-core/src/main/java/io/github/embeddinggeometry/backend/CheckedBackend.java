package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Objects;

/**
 * The argument-checking layer in front of every backend (Lucene's {@code VectorUtil} idea: the
 * facade checks, the implementation computes). A shared instance ignores {@code close()}; any other
 * fails every call after {@code close()} with {@link IllegalStateException}.
 */
final class CheckedBackend implements ComputeBackend {
  private final ComputeBackend impl;
  private final boolean shared;
  private volatile boolean closed;

  CheckedBackend(ComputeBackend impl, boolean shared) {
    this.impl = impl instanceof CheckedBackend c ? c.impl : impl;
    this.shared = shared;
  }

  @Override
  public String name() {
    return impl.name();
  }

  @Override
  public String description() {
    return impl.description();
  }

  @Override
  public DistanceKernel distanceKernel(MetricSpace metric) {
    checkOpen();
    Objects.requireNonNull(metric, "metric");
    return new CheckedKernel(impl.distanceKernel(metric), metric);
  }

  @Override
  public double[] covariance(EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(progress, "progress");
    int d = w.dim();
    if (mean.length != d) {
      throw new IllegalArgumentException("mean has " + mean.length + " values, rows have d = " + d);
    }
    for (int j = 0; j < d; j++) {
      if (!Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("mean[" + j + "] is not finite: " + mean[j]);
      }
    }
    if (w.rows() == 0) {
      throw new IllegalArgumentException("the covariance of 0 rows is undefined");
    }
    Arguments.finiteRows(w, 0, w.rows(), "rows", "the covariance");
    return impl.covariance(w, mean, progress);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("backend " + impl.name() + " is closed");
    }
  }

  @Override
  public void close() {
    if (shared) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    impl.close();
  }

  @Override
  public String toString() {
    return impl.toString();
  }
}
