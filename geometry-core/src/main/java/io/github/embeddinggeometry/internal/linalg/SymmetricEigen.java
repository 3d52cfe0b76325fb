package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.kernel.Level2;
import io.github.embeddinggeometry.internal.kernel.SimdProvider;
import java.util.Objects;

/**
 * Full eigen-decomposition {@code A = V diag(lambda) V^T} of a dense symmetric float64 matrix, the
 * way LAPACK's {@code dsyevd} computes it, in three phases:
 *
 * <ol>
 *   <li>{@link Tridiagonal}: blocked Householder reduction {@code A = Q T Q^T} ({@code 4/3 n^3}
 *       flops; half of them in a rank-2k update on the micro-kernel, half in symmetric
 *       matrix-vector products bound by memory bandwidth);
 *   <li>{@link DivideConquer}: eigenpairs of T by Cuppen's divide and conquer with deflation, a
 *       safeguarded secular-equation solver and Gu and Eisenstat's recomputation of z (at most
 *       about {@code 4/3 n^3} flops in the merge products, usually far fewer thanks to deflation);
 *   <li>{@link BackTransform}: {@code V = Q Z} with blocks of reflectors in compact WY form ({@code
 *       2 n^3} flops on the micro-kernel).
 * </ol>
 *
 * <p><b>Precision.</b> float64 throughout. The input is first scaled by a power of two (exact) so
 * that its largest entry lies in {@code [1, 2)}, so that no intermediate can overflow or underflow
 * whatever the scale of A; the eigenvalues are scaled back. Like LAPACK's, the result is backward
 * stable: {@code ||A V - V Lambda|| = O(n eps ||A||)} and {@code ||V^T V - I|| = O(n eps)}.
 * Eigenvalues carry an absolute error of order {@code n eps ||A||}; eigenvectors of an eigenvalue
 * separated from the others by a gap g are accurate to about {@code n eps ||A|| / g}.
 *
 * <p><b>Determinism.</b> Every parallel loop cuts its work into pieces that depend only on the
 * matrix size, computes each piece on one thread in a fixed order, and combines partial results
 * (the slices of a symmetric product) in piece order; the micro-kernel sums in a fixed order, and
 * vector lanes are added in lane order (never by a reduction of unspecified order, whose result can
 * change once the JIT compiles it). The result is therefore the same to the bit on every run and
 * for any {@code embgeo.threads}, for a given micro-kernel (the Vector API and the scalar kernel
 * round differently).
 *
 * <p><b>Cost.</b> About {@code 4.7 n^3} flops at most, and about 4 n x n double arrays of memory
 * besides the input and output.
 */
public final class SymmetricEigen {
  /** Panel width of the Householder reduction. */
  static final int TRIDIAGONAL_BLOCK = 32;

  /** Reflectors per block of the back-transformation. */
  static final int BACK_BLOCK = 64;

  private final double[] values;
  private final double[] vectors;

  private SymmetricEigen(double[] values, double[] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /** The n eigenvalues, descending. */
  public double[] values() {
    return values;
  }

  /**
   * The eigenvectors, row-major n x n: column j (entries {@code [i * n + j]}) is the unit
   * eigenvector of {@code values()[j]}. Their signs are arbitrary.
   */
  public double[] vectors() {
    return vectors;
  }

  /**
   * Decomposes a symmetric matrix on the micro-kernel in use ({@link Kernels#get()}).
   *
   * @param a row-major n x n; only its upper triangle is read (it must hold a symmetric matrix);
   *     not modified
   * @param progress receives the phases "eigen: tridiagonal", "eigen: divide and conquer" and
   *     "eigen: back-transformation"; polled for cancellation between panels and merges
   * @throws IllegalArgumentException if {@code a} is not n x n or holds a NaN or infinity
   * @throws IllegalStateException if the computation fails (not expected for finite input)
   * @throws java.util.concurrent.CancellationException if progress asks to cancel
   */
  public static SymmetricEigen decompose(double[] a, int n, ProgressListener progress) {
    return decompose(Kernels.get(), a, n, progress);
  }

  static SymmetricEigen decompose(TileKernel kern, double[] a, int n, ProgressListener progress) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(progress, "progress");
    if (n < 0 || (long) n * n != a.length) {
      throw new IllegalArgumentException(
          "matrix must be n x n = " + n + " x " + n + "; got " + a.length + " values");
    }
    double max = 0;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double x = a[r * n + c];
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException(
              "matrix entry (" + r + ", " + c + ") is " + x + "; all entries must be finite");
        }
        max = Math.max(max, Math.abs(x));
      }
    }
    double[] vectors = new double[a.length];
    double[] values = new double[n];
    if (max == 0) {
      for (int i = 0; i < n; i++) {
        vectors[i * n + i] = 1;
      }
      return new SymmetricEigen(values, vectors);
    }
    int exponent = CausalMap.binaryExponent(max);
    double[] work = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      work[i] = Math.scalb(a[i], -exponent);
    }
    double[] diag = new double[n];
    double[] off = new double[Math.max(0, n - 1)];
    double[] tau = new double[Math.max(0, n - 1)];
    Level2 l2 = SimdProvider.get().level2(kern);
    Tridiagonal.reduce(kern, l2, work, n, TRIDIAGONAL_BLOCK, diag, off, tau, progress);
    DivideConquer.solve(kern, l2, diag, off, n, vectors, progress);
    for (double x : diag) {
      if (!Double.isFinite(x)) {
        // Not expected for finite input: a guard so that a defect cannot pass as a result.
        throw new IllegalStateException(
            "symmetric eigen-decomposition of a "
                + n
                + " x "
                + n
                + " matrix failed: non-finite eigenvalue");
      }
    }
    int nr = kern.nrDouble();
    double[] zp = BackTransform.toPanels(vectors, n, nr);
    BackTransform.apply(kern, work, tau, n, BACK_BLOCK, zp, progress);
    // Back to row-major, columns reversed for descending order, each made exactly unit length.
    int panel = n * nr;
    for (int c = 0; c < n; c++) {
      int o = (c / nr) * panel + c % nr;
      double ss = 0;
      for (int r = 0; r < n; r++) {
        double x = zp[o + r * nr];
        ss += x * x;
      }
      double inv = 1 / Math.sqrt(ss);
      int f = n - 1 - c;
      for (int r = 0; r < n; r++) {
        vectors[r * n + f] = zp[o + r * nr] * inv;
      }
    }
    for (int i = 0; i < n; i++) {
      values[i] = Math.scalb(diag[n - 1 - i], exponent);
    }
    return new SymmetricEigen(values, vectors);
  }
}
