package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Streaming exact k-NN (Euclidean, k = 20) of n rows among themselves on the CPU backend: the
 * distance tiles feed a per-row top-k without an n x n buffer. {@code 2 n^2 d} flops per call.
 *
 * <p>HOW TO RUN: {@code java -jar geometry-bench/target/benchmarks.jar KnnBench}.
 */
public class KnnBench extends JmhDefaults {
  /** Number of rows. */
  @Param({"2048"})
  public int n;

  /** Row length. */
  @Param({"384", "2560"})
  public int d;

  /** Neighbours per row. */
  @Param({"20"})
  public int k;

  private EmbeddingMatrix x;
  private DistanceKernel kernel;

  /** Fixed-seed rows. */
  @Setup(Level.Trial)
  public void setUp() {
    x = BenchData.gaussianMatrix(3, n, d);
    kernel = Backends.cpu().distanceKernel(MetricSpace.euclidean());
  }

  /** All n x k neighbours. */
  @Benchmark
  public Neighbours nearest() {
    return kernel.nearest(x, k, ProgressListener.NONE);
  }
}
