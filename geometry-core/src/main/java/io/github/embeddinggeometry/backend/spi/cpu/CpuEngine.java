package io.github.embeddinggeometry.backend.spi.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.cpu.CpuBackend;
import io.github.embeddinggeometry.internal.cpu.CpuGemm;
import io.github.embeddinggeometry.internal.kernel.Bf16;
import io.github.embeddinggeometry.internal.kernel.Calibration;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.linalg.CausalMap;
import java.nio.ByteBuffer;
import java.util.OptionalDouble;

/**
 * The pure-Java engine's parts that other backends reuse: its tile kernel, the CPU backend on
 * another tile kernel (a native GEMM's tiles through the pure-Java epilogues), its GEMM, and the
 * bf16 widening of the readers.
 *
 * @since 0.1
 */
public final class CpuEngine {
  private CpuEngine() {}

  /**
   * The pure-Java tile kernel this JVM uses: the Vector API kernel of the calibrated shape, or the
   * scalar one. The first call may calibrate (at most about a second, cached per machine).
   *
   * @return the kernel, shared and thread-safe
   */
  public static TileKernel kernel() {
    return Kernels.get();
  }

  /**
   * The scalar tile kernel, plain Java: the oracle that tests compare the other kernels with.
   *
   * @return the kernel, shared and thread-safe
   */
  public static TileKernel scalarKernel() {
    return Kernels.scalar();
  }

  /**
   * The rate the calibration measured for {@link #kernel()}, on one thread.
   *
   * @return GFLOP/s, or empty where nothing was calibrated ({@code -Dembgeo.calibrate=false}, no
   *     Vector API, or no shape timed within the budget)
   */
  public static OptionalDouble calibratedGflops() {
    return Calibration.chosen()
        .map(e -> OptionalDouble.of(e.gflops()))
        .orElseGet(OptionalDouble::empty);
  }

  /**
   * The CPU backend (tiled distances under the exactness contract, streaming k-NN, the blocked
   * covariance) computing on {@code tileKernel}, on all cores. Not argument-checked: a backend
   * handed out by {@code Backends} is wrapped in the checks.
   *
   * @param tileKernel the kernel that produces the tiles; its epilogues finish them
   * @return a backend named {@code cpu}, which holds nothing to close
   */
  public static ComputeBackend backend(TileKernel tileKernel) {
    return new CpuBackend(tileKernel);
  }

  /**
   * {@code c[cOffset + i * ldc + j] = sum_k a[aFrom + i][k] * b[bFrom + j][k]} in float32, on all
   * cores, with the tiles and kernel of the distance engine: the product benchmarks time.
   *
   * @param kern the tile kernel
   * @param a the rows of A. Not modified.
   * @param aFrom first row of A (inclusive)
   * @param aTo last row of A (exclusive)
   * @param b the rows of B, of {@code a}'s dimension. Not modified.
   * @param bFrom first row of B (inclusive)
   * @param bTo last row of B (exclusive)
   * @param c Modified: receives the {@code (aTo - aFrom) x (bTo - bFrom)} product
   * @param cOffset where the product starts in {@code c}
   * @param ldc row stride of the product in {@code c}
   * @param progress receives progress and may cancel. Not modified.
   * @throws IllegalArgumentException if the dimensions differ
   * @throws IndexOutOfBoundsException if a range is outside its matrix
   */
  public static void multiplyTransposed(
      TileKernel kern,
      EmbeddingMatrix a,
      int aFrom,
      int aTo,
      EmbeddingMatrix b,
      int bFrom,
      int bTo,
      float[] c,
      int cOffset,
      int ldc,
      ProgressListener progress) {
    CpuGemm.multiplyTransposed(kern, a, aFrom, aTo, b, bFrom, bTo, c, cOffset, ldc, progress);
  }

  /**
   * Widens {@code n} bf16 values (exact: the 16 bits become the high half of a float32), with the
   * Vector API where this JVM has it: a plain loop runs at a fraction of memory bandwidth on JDK
   * 17.
   *
   * @param src the bf16 values from its position, in its byte order; its position is not changed
   * @param dst Modified: receives the floats at {@code [off, off + n)}
   * @param off first float written
   * @param n number of values
   */
  public static void decodeBf16(ByteBuffer src, float[] dst, int off, int n) {
    Bf16.decode(src, dst, off, n);
  }

  /**
   * The power of two of the causal row map's factor as the CPU scales it: {@code L = 2^exponent *
   * normalised}, the largest |entry| of {@code normalised} in [1, 2), so that a device that maps
   * rows with the same float64 steps gets the CPU's bits (geometry-cuda's on-device map).
   *
   * @param lower the metric's Cholesky factor, row-major d x d. Not modified.
   * @return the exponent that takes mapped rows back to the metric's units
   */
  public static int causalFactorExponent(double[] lower) {
    return CausalMap.Factor.of(lower).exponent();
  }

  /**
   * The normalised causal factor that goes with {@link #causalFactorExponent}.
   *
   * @param lower the metric's Cholesky factor, row-major d x d. Not modified.
   * @return {@code lower * 2^-exponent}, a new array
   */
  public static double[] causalFactorNormalised(double[] lower) {
    return CausalMap.Factor.of(lower).normalised();
  }
}
