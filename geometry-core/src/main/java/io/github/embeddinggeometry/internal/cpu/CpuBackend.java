package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Objects;

/**
 * The pure-Java backend: tiled GEMM-identity distances with the exactness contract, streaming k-NN,
 * and the blocked covariance, on all cores, with the Vector API micro-kernel when available ({@link
 * Kernels}).
 */
public final class CpuBackend implements ComputeBackend {
  private final TileKernel kern;

  CpuBackend() {
    this(Kernels.get());
  }

  /** A backend on a given micro-kernel, e.g. {@link Kernels#scalar()} for comparisons. */
  public CpuBackend(TileKernel kern) {
    this.kern = Objects.requireNonNull(kern, "kern");
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String description() {
    return "cpu (" + kern.descriptionWithRate() + ", " + Parallel.threads() + " threads)";
  }

  @Override
  public DistanceKernel distanceKernel(MetricSpace metric) {
    return new CpuDistanceKernel(metric, kern);
  }

  @Override
  public io.github.embeddinggeometry.Covariance covariance(
      EmbeddingMatrix w, ProgressListener progress) {
    double[] mean = CanonicalSums.mean(w, progress);
    double[] c = Covariance.compute(kern, w, mean, progress);
    return io.github.embeddinggeometry.Covariance.of(mean, c, w.rows());
  }

  @Override
  public EmbeddingMatrix mapRows(
      EmbeddingMatrix w, CausalMetric metric, ProgressListener progress) {
    return CausalMap.map(kern, w, metric.choleskyLower(), progress);
  }

  /** The micro-kernel in use. */
  public TileKernel tileKernel() {
    return kern;
  }
}
