package io.github.embeddinggeometry.bench;

/**
 * The raw {@code C = A B^T} kernel of the CPU backend, the one call the kernel benchmarks time.
 * Kept in one place because it reaches into an internal class.
 */
final class Gemm {
  private Gemm() {}

  /**
   * {@code c[i * n + j] = sum_p a[i * k + p] * b[j * k + p]} on all threads of the CPU backend.
   *
   * @param a row-major m x k; not modified
   * @param b row-major n x k; not modified
   * @param c row-major m x n; modified
   */
  static void abT(float[] a, int m, float[] b, int n, int k, float[] c) {
    throw new UnsupportedOperationException("wire to the CPU backend's A.B^T entry point");
  }
}
