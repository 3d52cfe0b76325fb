package io.github.embeddinggeometry.cuda.internal;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;

/**
 * cuBLAS 12 SGEMM through JCublas2, used where {@code libcublas.so.12} loads.
 *
 * <p>cuBLAS is column-major: a row-major m x k matrix is a column-major k x m one. The row-major
 * product {@code C = A B^T} is therefore the column-major {@code C^T = B A^T}, i.e. {@code
 * Sgemm(OP_T, OP_N, n, m, k, B, A)}.
 */
final class CublasGemm implements Gemm {
  private final cublasHandle handle = new cublasHandle();
  private final boolean tf32;
  private final Pointer one = Pointer.to(new float[] {1f});
  private final Pointer zero = Pointer.to(new float[] {0f});
  private boolean closed;

  private CublasGemm(boolean tf32) {
    this.tf32 = tf32;
  }

  /** A handle on the current context; throws CudaException if cuBLAS cannot start. */
  static CublasGemm create(boolean tf32) {
    CublasGemm g = new CublasGemm(tf32);
    int rc = JCublas2.cublasCreate(g.handle);
    if (rc != 0) {
      throw new CudaException("cublasCreate failed: status " + rc, rc);
    }
    if (tf32) {
      rc = JCublas2.cublasSetMathMode(g.handle, cublasMath.CUBLAS_TF32_TENSOR_OP_MATH);
      if (rc != 0) {
        JCublas2.cublasDestroy(g.handle);
        throw new CudaException("cublasSetMathMode(TF32) failed: status " + rc, rc);
      }
    }
    return g;
  }

  @Override
  public void abT(
      int m, int n, int k, CUdeviceptr a, int lda, CUdeviceptr b, int ldb, CUdeviceptr c, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    int rc =
        JCublas2.cublasSgemm(
            handle,
            cublasOperation.CUBLAS_OP_T,
            cublasOperation.CUBLAS_OP_N,
            n,
            m,
            k,
            one,
            b,
            ldb,
            a,
            lda,
            zero,
            c,
            ldc);
    if (rc != 0) {
      throw new CudaException(
          "cublasSgemm(" + m + " x " + n + " x " + k + ") failed: status " + rc, rc);
    }
  }

  @Override
  public String description() {
    return tf32 ? "cuBLAS 12 SGEMM (TF32 tensor cores)" : "cuBLAS 12 SGEMM (FP32)";
  }

  @Override
  public boolean reducedPrecision() {
    return tf32;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      JCublas2.cublasDestroy(handle);
    }
  }
}
