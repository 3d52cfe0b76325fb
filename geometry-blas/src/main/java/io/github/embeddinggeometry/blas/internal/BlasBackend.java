package io.github.embeddinggeometry.blas.internal;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;

/**
 * The CPU engine with OpenBLAS producing its float32 distance tiles. The covariance stays on the
 * pure-Java kernel: it accumulates float32 micro-tiles into float64 (a GEMM's output would be
 * rounded to float32 over the whole column instead), so it has no sgemm-shaped step to hand over.
 */
public final class BlasBackend implements ComputeBackend {
  private final SgemmTileKernel kernel;
  private final ComputeBackend distances;
  private final ComputeBackend java;

  /**
   * A backend on OpenBLAS, with the epilogues of this JVM's pure-Java kernel.
   *
   * @throws UnsupportedOperationException if OpenBLAS cannot be loaded here
   */
  public BlasBackend() {
    TileKernel javaKernel = CpuEngine.kernel();
    this.kernel = new SgemmTileKernel(javaKernel);
    this.distances = CpuEngine.backend(kernel);
    this.java = CpuEngine.backend(javaKernel);
  }

  /** The kernel that produces the tiles (for benchmarks that time it alone). */
  public TileKernel tileKernel() {
    return kernel;
  }

  @Override
  public String name() {
    return "blas";
  }

  @Override
  public String description() {
    return "blas (" + kernel.description() + ", " + Parallel.threads() + " threads)";
  }

  @Override
  public DistanceKernel distanceKernel(MetricSpace metric) {
    return distances.distanceKernel(metric);
  }

  /**
   * Frees the native buffers the kernel kept for later operations; the backend stays usable (they
   * are made again when needed).
   */
  @Override
  public void close() {
    kernel.releaseBuffers();
  }

  @Override
  public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
    return java.covariance(w, progress);
  }
}
