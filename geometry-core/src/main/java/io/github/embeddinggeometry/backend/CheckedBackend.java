package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.metric.CausalMetric;
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
  public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(progress, "progress");
    if (w.rows() == 0) {
      throw new IllegalArgumentException("the covariance of 0 rows is undefined");
    }
    Arguments.finiteRows(w, 0, w.rows(), "rows", "the covariance");
    Covariance c = impl.covariance(w, progress);
    if (c.dim() != w.dim() || c.rows() != w.rows()) {
      throw new IllegalStateException(
          "backend "
              + impl.name()
              + " returned "
              + c
              + " for "
              + w.rows()
              + " rows of d = "
              + w.dim());
    }
    return c;
  }

  @Override
  public EmbeddingMatrix mapRows(
      EmbeddingMatrix w, CausalMetric metric, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(progress, "progress");
    if (w.dim() != metric.dim()) {
      throw new IllegalArgumentException(
          "rows have d = "
              + w.dim()
              + " but metric tensor M is "
              + metric.dim()
              + " x "
              + metric.dim());
    }
    Arguments.finiteRows(w, 0, w.rows(), "rows", "the causal map");
    EmbeddingMatrix out = impl.mapRows(w, metric, progress);
    if (out.rows() != w.rows() || out.dim() != w.dim()) {
      throw new IllegalStateException(
          "backend " + impl.name() + " mapped " + w.rows() + " rows to " + out.rows());
    }
    return out;
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
