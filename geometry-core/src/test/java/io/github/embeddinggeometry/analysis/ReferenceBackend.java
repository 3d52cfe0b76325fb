package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.spi.ComputeBackend;

/** Test oracle backend: float64 covariance straight from the definition, {@link ReferenceKernel}. */
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
  public double[] covariance(EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    return covarianceOf(w, mean);
  }

  /** {@code (1/N) sum (w - mean)(w - mean)^T} in double. */
  public static double[] covarianceOf(EmbeddingMatrix w, double[] mean) {
    int d = w.dim();
    double[] c = new double[d * d];
    double[] v = new double[d];
    for (int r = 0; r < w.rows(); r++) {
      for (int j = 0; j < d; j++) {
        v[j] = w.get(r, j) - mean[j];
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i * d + j] += v[i] * v[j];
        }
      }
    }
    for (int i = 0; i < c.length; i++) {
      c[i] /= w.rows();
    }
    return c;
  }

  /** Column means in double. */
  public static double[] meanOf(EmbeddingMatrix w) {
    double[] m = new double[w.dim()];
    for (int r = 0; r < w.rows(); r++) {
      for (int j = 0; j < w.dim(); j++) {
        m[j] += w.get(r, j);
      }
    }
    for (int j = 0; j < m.length; j++) {
      m[j] /= w.rows();
    }
    return m;
  }
}
