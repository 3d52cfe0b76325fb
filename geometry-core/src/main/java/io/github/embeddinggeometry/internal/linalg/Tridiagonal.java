package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Level2;
import java.util.Arrays;

/**
 * Blocked Householder reduction of a symmetric matrix to tridiagonal form, {@code A = Q T Q^T}, as
 * LAPACK's {@code dsytrd}/{@code dlatrd} (lower variant) do.
 *
 * <p><b>Storage.</b> The matrix is row-major and only its upper triangle is read: row c from the
 * diagonal on is LAPACK's column c of the lower triangle, so every reflector and every column
 * update is a contiguous row. On exit row c holds reflector {@code v_c} ({@code H_c = I - tau_c v_c
 * v_c^T}, {@code Q = H_0 H_1 ... H_{n-2}}): {@code v_c[q] = a[c][q]}, zero for {@code q <= c} and 1
 * at {@code q = c + 1}.
 *
 * <p><b>Panels.</b> For a panel of nb columns, each column is first brought up to date with the
 * panel's earlier reflectors ({@code a -= V W^T + W V^T} restricted to that row), its reflector is
 * generated, and {@code w = tau (S v - V (W^T v) - W (V^T v))}, {@code w -= (tau/2)(w^T v) v}
 * follows from one symmetric product {@code S v} with the trailing matrix as it was before the
 * panel. After the panel the trailing matrix gets the rank-2nb update {@code A -= V W^T + W V^T} on
 * the micro-kernel (upper-triangle tiles only). Half the flops are in the symmetric products; they
 * read the whole trailing triangle once per column, so they bound the speed by memory bandwidth.
 *
 * <p><b>Determinism.</b> The product {@code S v} is split into a number of row slices that depends
 * only on the trailing size; each slice sums into its own vector and the slices are added in order,
 * so threads only change who computes a slice, never the sums.
 */
final class Tridiagonal {
  /** At most this many row slices per symmetric product. */
  private static final int MAX_SLICES = 16;

  /** Elements of the trailing triangle per slice, roughly (some 20 us of work). */
  private static final int SLICE_WORK = 1 << 16;

  private final TileKernel kern;
  private final Level2 l2;
  private final double[] a;
  private final int n;
  private final int nb;
  private final double[] diag;
  private final double[] off;
  private final double[] tau;
  private final ProgressListener cancel;

  /** W^T of the current panel: row j is w_j, indexed by global row. */
  private final double[] wt;

  private final double[] x;
  private final double[] ys;
  private final double[] dots;
  private final double[] coefW;
  private final double[] coefV;
  private final int[] bounds = new int[MAX_SLICES + 1];
  private double[] packA = new double[0];
  private double[] packB = new double[0];

  private Tridiagonal(
      TileKernel kern,
      Level2 l2,
      double[] a,
      int n,
      int nb,
      double[] diag,
      double[] off,
      double[] tau,
      ProgressListener cancel) {
    this.kern = kern;
    this.l2 = l2;
    this.a = a;
    this.n = n;
    this.nb = nb;
    this.diag = diag;
    this.off = off;
    this.tau = tau;
    this.cancel = cancel;
    this.wt = new double[nb * n];
    this.x = new double[n];
    this.ys = new double[MAX_SLICES * n];
    this.dots = new double[MAX_SLICES * 2 * nb];
    this.coefW = new double[nb];
    this.coefV = new double[nb];
  }

  /**
   * Reduces {@code a} in place.
   *
   * @param a row-major n x n, upper triangle read; overwritten by the reflectors
   * @param diag out: the n diagonal entries of T
   * @param off out: the n - 1 off-diagonal entries of T
   * @param tau out: the n - 1 reflector coefficients
   * @param nb panel width
   * @param progress receives "eigen: tridiagonal" after each panel; polled for cancellation
   */
  static void reduce(
      TileKernel kern,
      Level2 l2,
      double[] a,
      int n,
      int nb,
      double[] diag,
      double[] off,
      double[] tau,
      ProgressListener progress) {
    new Tridiagonal(kern, l2, a, n, nb, diag, off, tau, Parallel.silent(progress)).run(progress);
  }

  private void run(ProgressListener progress) {
    int i = 0;
    while (n - i > nb) {
      ProgressListener.checkCancelled(progress);
      panel(i, nb);
      trailingUpdate(i);
      i += nb;
      progress.progress("eigen: tridiagonal", i, n);
    }
    ProgressListener.checkCancelled(progress);
    panel(i, n - i);
    // The reflector rows keep only v: zero the diagonal and what lies left of it.
    for (int c = 0; c < n; c++) {
      Arrays.fill(a, c * n, c * n + Math.min(n, c + 1), 0.0);
    }
    progress.progress("eigen: tridiagonal", n, n);
  }

  /** Columns {@code [i, i + cols)}; the last column of the matrix only gets its diagonal. */
  private void panel(int i, int cols) {
    for (int j = 0; j < cols; j++) {
      int c = i + j;
      updateRow(c, i, j);
      diag[c] = a[c * n + c];
      if (c == n - 1) {
        return;
      }
      reflector(c);
      panelColumn(c, i, j);
    }
  }

  /** Row c from the diagonal on, minus the panel's earlier rank-2 terms. */
  private void updateRow(int c, int i, int j) {
    if (j == 0) {
      return;
    }
    for (int p = 0; p < j; p++) {
      coefW[p] = -wt[p * n + c];
      coefV[p] = -a[(i + p) * n + c];
    }
    l2.axpyRows(a, i * n + c, n, coefW, j, a, c * n + c, n - c);
    l2.axpyRows(wt, c, n, coefV, j, a, c * n + c, n - c);
  }

  /** Householder reflector annihilating {@code a[c][c+2 ..]} (LAPACK's dlarfg). */
  private void reflector(int c) {
    int s = c + 1;
    int rc = c * n;
    double alpha = a[rc + s];
    double xx = l2.dot(a, rc + s + 1, a, rc + s + 1, n - s - 1);
    if (xx == 0) {
      // Already reduced (or underflowed, which costs at most that tail's tiny size in accuracy).
      tau[c] = 0;
      off[c] = alpha;
    } else {
      double beta = -Math.copySign(Math.sqrt(alpha * alpha + xx), alpha);
      tau[c] = (beta - alpha) / beta;
      double scale = 1 / (alpha - beta);
      for (int q = s + 1; q < n; q++) {
        a[rc + q] *= scale;
      }
      off[c] = beta;
    }
    a[rc + s] = 1;
  }

  /**
   * {@code w_j = tau (S v - V (W^T v) - W (V^T v))}, then {@code w_j -= (tau/2)(w_j^T v) v}, over
   * rows {@code [c + 1, n)}, with S the trailing matrix from before the panel.
   */
  private void panelColumn(int c, int i, int j) {
    int s = c + 1;
    int rc = c * n;
    double t = tau[c];
    int wj = j * n;
    if (t == 0) {
      Arrays.fill(wt, wj + s, wj + n, 0.0);
      return;
    }
    System.arraycopy(a, rc + s, x, s, n - s);
    int slices = slices(s);
    Parallel.Body<Object> body =
        (unused, k) -> {
          symvSlice(k, i, j);
          return 1;
        };
    if (slices == 1) {
      body.run(null, 0);
    } else {
      Parallel.run("symv", slices, slices, () -> null, body, cancel);
    }
    // Sum the slices in order, then the corrections.
    Arrays.fill(coefW, 0, j, 0.0);
    Arrays.fill(coefV, 0, j, 0.0);
    for (int k = 0; k < slices; k++) {
      int d = k * 2 * nb;
      for (int p = 0; p < j; p++) {
        coefW[p] -= dots[d + p];
        coefV[p] -= dots[d + nb + p];
      }
    }
    System.arraycopy(ys, s, wt, wj + s, n - s);
    for (int k = 1; k < slices; k++) {
      int yo = k * n;
      for (int q = bounds[k]; q < n; q++) {
        wt[wj + q] += ys[yo + q];
      }
    }
    // w -= V (W^T x) + W (V^T x)
    l2.axpyRows(a, i * n + s, n, coefW, j, wt, wj + s, n - s);
    l2.axpyRows(wt, s, n, coefV, j, wt, wj + s, n - s);
    for (int q = s; q < n; q++) {
      wt[wj + q] *= t;
    }
    double alpha = -0.5 * t * l2.dot(wt, wj + s, x, s, n - s);
    for (int q = s; q < n; q++) {
      wt[wj + q] += alpha * x[q];
    }
  }

  /**
   * Splits rows {@code [s, n)} into slices of about equal triangle work (row r costs n - r) and
   * returns their number; boundaries in {@link #bounds}.
   */
  private int slices(int s) {
    long len = n - s;
    long work = len * (len + 1) / 2;
    int k = (int) Math.max(1, Math.min(MAX_SLICES, work / SLICE_WORK));
    bounds[0] = s;
    long acc = 0;
    int b = 1;
    for (int r = s; r < n && b < k; r++) {
      acc += n - r;
      if (acc * k >= work * b) {
        bounds[b++] = r + 1;
      }
    }
    while (b <= k) {
      bounds[b++] = n;
    }
    return k;
  }

  /** Slice k: its rows' part of S x into its own vector, and its part of W^T x and V^T x. */
  private void symvSlice(int k, int i, int j) {
    int r0 = bounds[k];
    int r1 = bounds[k + 1];
    int yo = k * n;
    Arrays.fill(ys, yo + r0, yo + n, 0.0);
    l2.symvUpper(a, n, n, x, ys, yo, r0, r1);
    int d = k * 2 * nb;
    for (int p = 0; p < j; p++) {
      dots[d + p] = l2.dot(wt, p * n + r0, x, r0, r1 - r0);
      dots[d + nb + p] = l2.dot(a, (i + p) * n + r0, x, r0, r1 - r0);
    }
  }

  /** {@code A[t][t] -= V W^T + W V^T} on the trailing block {@code t >= i + nb}, upper tiles. */
  private void trailingUpdate(int i) {
    int t0 = i + nb;
    int m = n - t0;
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    int depth = 2 * nb;
    int la = Gemm.packedLength(m, depth, mr);
    int lb = Gemm.packedLength(m, depth, nr);
    if (packA.length < la) {
      packA = new double[la];
    }
    if (packB.length < lb) {
      packB = new double[lb];
    }
    // A(r, k) = -[V W](t0 + r, k), B(col, k) = [W V](t0 + col, k).
    Gemm.packParallel(
        Gemm.depthMajor(a, i * n + t0, n, -1, nb, wt, t0, n), m, depth, mr, packA, 0, cancel);
    Gemm.packParallel(
        Gemm.depthMajor(wt, t0, n, 1, nb, a, i * n + t0, n), m, depth, nr, packB, 0, cancel);
    Gemm.multiply(
        kern, packA, 0, m, packB, 0, m, depth, a, t0 * n + t0, n, Gemm.Shape.UPPER, true, cancel);
  }
}
