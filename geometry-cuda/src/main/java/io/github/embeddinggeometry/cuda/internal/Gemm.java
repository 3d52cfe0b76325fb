package io.github.embeddinggeometry.cuda.internal;

import jcuda.driver.CUdeviceptr;

/**
 * {@code C = A B^T} for row-major float32 A (m x k, leading dimension lda), B (n x k) and C (m x
 * n): the Gram block of two row sets. Called inside {@link CudaContext#enter()}.
 */
public interface Gemm extends AutoCloseable {
  /** Queues the product on the default stream. */
  void abT(
      int m, int n, int k, CUdeviceptr a, int lda, CUdeviceptr b, int ldb, CUdeviceptr c, int ldc);

  /** e.g. "own tiled SGEMM" or "cuBLAS 12 SGEMM (TF32 tensor cores)". */
  String description();

  /**
   * True when products are rounded to TF32/bf16 inputs (tensor cores) rather than exact FP32 FMAs.
   */
  boolean reducedPrecision();

  @Override
  default void close() {}

  /** The GEMM of {@code src/main/cuda/geometry_kernels.cu}: FP32 FMAs, works on every driver. */
  final class Own implements Gemm {
    private final CudaContext context;

    public Own(CudaContext context) {
      this.context = context;
    }

    @Override
    public void abT(
        int m,
        int n,
        int k,
        CUdeviceptr a,
        int lda,
        CUdeviceptr b,
        int ldb,
        CUdeviceptr c,
        int ldc) {
      if (m == 0 || n == 0) {
        return;
      }
      // float4 loads need 16-byte aligned rows; every buffer we allocate starts 256-byte aligned,
      // so the row stride and the k extent decide.
      boolean vec = k % 4 == 0 && lda % 4 == 0 && ldb % 4 == 0;
      context.launch(
          vec ? "sgemm_abt_vec4" : "sgemm_abt",
          ceilDiv(n, 128),
          ceilDiv(m, 128),
          256,
          m,
          n,
          k,
          a,
          lda,
          b,
          ldb,
          c,
          ldc);
    }

    @Override
    public String description() {
      return "own tiled SGEMM (FP32)";
    }

    @Override
    public boolean reducedPrecision() {
      return false;
    }
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
