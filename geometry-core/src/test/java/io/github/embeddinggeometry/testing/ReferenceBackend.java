package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;

/**
 * The float64 oracle as a {@link ComputeBackend}: {@link Float64Oracle} covariance and {@link
 * ReferenceKernel}.
 */
public final class ReferenceBackend implements ComputeBackend {
  @Override
  public String name() {
    return "reference";
  }

  @Override
  public String description() {
    return "float64 test oracle";
  }

  @Override
  public DistanceKernel distanceKernel(MetricSpace metric) {
    return new ReferenceKernel(metric);
  }

  @Override
  public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
    double[] mean = Float64Oracle.mean(w);
    double[] c = Float64Oracle.covariance(w, mean);
    progress.progress("covariance", w.rows(), w.rows());
    return Covariance.of(mean, c, w.rows());
  }
}
