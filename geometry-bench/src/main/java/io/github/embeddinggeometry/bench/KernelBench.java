package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The A·Bᵀ kernel of the CPU backend against EJML's float32 {@code multTransB} (single- and
 * multi-threaded) on the same data: {@code C (n x n) = A (n x d) B (n x d)^T}, {@code 2 n^2 d}
 * flops per call, so GFLOP/s = {@code 2 n^2 d / (ms * 1e6)}.
 *
 * <p>HOW TO RUN: {@code mvn -pl geometry-bench -am package -DskipTests}, then {@code java -jar
 * geometry-bench/target/benchmarks.jar KernelBench}; {@code -p n=2048} changes a parameter.
 */
public class KernelBench extends JmhDefaults {
  /** Rows of A and of B. */
  @Param({"1024"})
  public int n;

  /** Depth: 384 as all-MiniLM-L6-v2, 2560 as Qwen3-4B. */
  @Param({"384", "2560"})
  public int d;

  private EmbeddingMatrix a;
  private EmbeddingMatrix b;
  private float[] c;
  private FMatrixRMaj ea;
  private FMatrixRMaj eb;
  private FMatrixRMaj ec;

  /** Fixed-seed inputs, shared by all three benchmarks. */
  @Setup(Level.Trial)
  public void setUp() {
    a = BenchData.gaussianMatrix(1, n, d);
    b = BenchData.gaussianMatrix(2, n, d);
    c = new float[n * n];
    ea = FMatrixRMaj.wrap(n, d, a.backingArray().clone());
    eb = FMatrixRMaj.wrap(n, d, b.backingArray().clone());
    ec = new FMatrixRMaj(n, n);
  }

  /** Our kernel, on all threads of the CPU backend. */
  @Benchmark
  public float[] ours() {
    CpuEngine.multiplyTransposed(
        CpuEngine.kernel(), a, 0, n, b, 0, n, c, 0, n, ProgressListener.NONE);
    return c;
  }

  /** EJML, single-threaded. */
  @Benchmark
  public FMatrixRMaj ejml() {
    CommonOps_FDRM.multTransB(ea, eb, ec);
    return ec;
  }

  /** EJML's multi-threaded variant (its own thread pool, all cores). */
  @Benchmark
  public FMatrixRMaj ejmlMt() {
    CommonOps_MT_FDRM.multTransB(ea, eb, ec);
    return ec;
  }
}
