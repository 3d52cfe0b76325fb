package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The biased covariance {@code (1/N) (W - mu)^T (W - mu)} of an n x d matrix on the CPU backend
 * (upper triangle only, so about {@code n d^2} flops), given the mean.
 *
 * <p>HOW TO RUN: {@code java -jar geometry-bench/target/benchmarks.jar CovarianceBench}.
 */
public class CovarianceBench extends JmhDefaults {
  /** Number of rows. */
  @Param({"16384"})
  public int n;

  /** Row length. */
  @Param({"384", "1024"})
  public int d;

  private EmbeddingMatrix w;
  private ComputeBackend cpu;

  /** Fixed-seed rows. */
  @Setup(Level.Trial)
  public void setUp() {
    w = BenchData.gaussianMatrix(4, n, d);
    cpu = Backends.cpu();
  }

  /** The mean (a pass of N d additions) and the d x d covariance, in double. */
  @Benchmark
  public Covariance covariance() {
    return cpu.covariance(w, ProgressListener.NONE);
  }
}
