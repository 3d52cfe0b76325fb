package io.github.embeddinggeometry.cuda.internal;

/**
 * The {@code embgeo.*} system properties of the CUDA backend, named here and nowhere else (they are
 * in the table of docs/using.md with geometry-core's). They are read with {@code
 * backend.spi.BackendSettings.raw} and validated where they are used, which throws naming the
 * property: {@link CudaProbe} (device), {@link MemoryBudget} (memory), {@code CudaPrecision}
 * (precision) and {@link CudaSession} (gemm).
 */
public final class CudaSettings {
  /** GPU ordinal for the CUDA backend (default 0). */
  public static final String DEVICE = "embgeo.cuda.device";

  /** Device memory the CUDA backend plans with, e.g. {@code 12g} (default 12 GiB). */
  public static final String MEMORY = "embgeo.cuda.memory";

  /** {@code fp32} (default) or {@code tf32}. */
  public static final String PRECISION = "embgeo.cuda.precision";

  /** {@code auto} (default), {@code own} or {@code cublas}. */
  public static final String GEMM = "embgeo.cuda.gemm";

  private CudaSettings() {}
}
