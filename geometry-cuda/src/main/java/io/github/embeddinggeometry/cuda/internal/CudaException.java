package io.github.embeddinggeometry.cuda.internal;

/**
 * A CUDA driver or cuBLAS call failed; the message names the call, the error and what was being
 * done.
 */
public final class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The driver's CUresult (or cuBLAS status), 0 when none applies. */
  private final int code;

  CudaException(String message, int code) {
    super(message);
    this.code = code;
  }

  /** The CUresult / cublasStatus code, 0 when none applies. */
  public int code() {
    return code;
  }
}
