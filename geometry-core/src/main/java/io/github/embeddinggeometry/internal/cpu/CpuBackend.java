package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.spi.ComputeBackend;

/** STUB: to be implemented (issue 2). */
final class CpuBackend implements ComputeBackend {
  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String description() {
    return "cpu";
  }

  @Override
  public DistanceKernel distanceKernel(MetricSpace metric) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public double[] covariance(EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    throw new UnsupportedOperationException("TODO");
  }
}
