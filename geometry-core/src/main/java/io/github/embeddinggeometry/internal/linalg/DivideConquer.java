package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Level2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Eigenpairs of a symmetric tridiagonal matrix by Cuppen's divide and conquer, as LAPACK's {@code
 * dstedc}/{@code dlaed0..3} do it.
 *
 * <p><b>Tearing.</b> {@code T = diag(T1, T2) + |b| u u^T} with {@code u = e_m + sign(b) e_{m+1}}, b
 * the coupling entry; T1 and T2 lose {@code |b|} on the diagonal next to the cut. Halves are torn
 * again down to at most {@link #LEAF} rows, which {@link TridiagonalQl} solves.
 *
 * <p><b>Merge.</b> With {@code T1 = Q1 D1 Q1^T} and {@code T2 = Q2 D2 Q2^T}: {@code T = Q (D + rho
 * z z^T) Q^T}, {@code z = (last row of Q1, sign(b) first row of Q2) / sqrt 2}, {@code rho = 2|b|}.
 * Deflation (tolerance {@code 8 eps max(|d|, rho)}): a component with {@code rho |z_i| <= tol}
 * keeps its eigenpair; of two eigenvalues so close that a plane rotation zeroing one z component
 * changes the matrix by at most tol, one is rotated out. The k remaining eigenvalues are the roots
 * of the secular equation ({@link Secular}); z is then recomputed from them (Gu and Eisenstat's
 * Löwner formula), which makes the computed eigenvectors {@code u_j = (zhat_i / (d_i -
 * lambda_j))_i} orthogonal to working precision. The new eigenvectors {@code Q U} are two products
 * on the micro-kernel: columns of Q that still are zero in the lower (upper) half are kept apart,
 * so the zero blocks are never multiplied.
 *
 * <p><b>Determinism.</b> Roots, Löwner products, normalisations and product tiles are each computed
 * by one thread in a fixed order, whatever ran them.
 */
final class DivideConquer {
  /** Subproblems of at most this many rows go to implicit QL. */
  static final int LEAF = 32;

  private static final double EPS = Math.ulp(1.0) / 2;

  /** Secular equations smaller than this are solved on one thread (O(k^2) work). */
  private static final int PARALLEL_K = 128;

  /** Merges below this size run on one thread each, many at once. */
  private static final int SMALL_MERGE = 256;

  private final TileKernel kern;
  private final Level2 l2;
  private final double[] d;
  private final double[] e;
  private final int n;
  private final double[] q;
  private final ProgressListener cancel;

  private DivideConquer(
      TileKernel kern,
      Level2 l2,
      double[] d,
      double[] e,
      int n,
      double[] q,
      ProgressListener cancel) {
    this.kern = kern;
    this.l2 = l2;
    this.d = d;
    this.e = e;
    this.n = n;
    this.q = q;
    this.cancel = cancel;
  }

  /**
   * @param d the diagonal; overwritten by the eigenvalues, ascending
   * @param e the n - 1 off-diagonal entries; not modified
   * @param q row-major n x n, all zero on entry; receives the eigenvectors as columns
   * @param progress receives "eigen: divide and conquer" after each merge; polled for cancellation
   */
  static void solve(
      TileKernel kern,
      Level2 l2,
      double[] d,
      double[] e,
      int n,
      double[] q,
      ProgressListener progress) {
    ProgressListener cancel = Parallel.silent(progress);
    DivideConquer dc = new DivideConquer(kern, l2, d, e, n, q, cancel);
    List<int[]> leaves = new ArrayList<>();
    List<List<int[]>> levels = new ArrayList<>();
    dc.tear(0, n, 0, leaves, levels);
    dc.run(
        leaves.size() >= 4,
        leaves.size(),
        t -> {
          int[] leaf = leaves.get(t);
          TridiagonalQl.solve(d, e, leaf[0], leaf[1] - leaf[0], q, leaf[0] * n + leaf[0], n);
        });
    int merges = levels.stream().mapToInt(List::size).sum();
    if (merges == 0) {
      progress.progress("eigen: divide and conquer", 1, 1);
    }
    int done = 0;
    for (int level = levels.size() - 1; level >= 0; level--) {
      List<int[]> list = levels.get(level);
      int size = list.get(0)[2] - list.get(0)[0];
      if (size <= SMALL_MERGE && list.size() > 1) {
        ProgressListener.checkCancelled(progress);
        Parallel.run(
            "eigen: merges",
            list.size(),
            list.size(),
            () -> null,
            (s, t) -> {
              int[] m = list.get(t);
              dc.merge(m[0], m[1], m[2], false);
              return 1;
            },
            cancel);
        done += list.size();
        progress.progress("eigen: divide and conquer", done, merges);
      } else {
        for (int[] m : list) {
          ProgressListener.checkCancelled(progress);
          dc.merge(m[0], m[1], m[2], true);
          progress.progress("eigen: divide and conquer", ++done, merges);
        }
      }
    }
  }

  /** Cuts {@code [lo, hi)} recursively, lowering the diagonal next to each cut. */
  private void tear(int lo, int hi, int level, List<int[]> leaves, List<List<int[]>> levels) {
    if (hi - lo <= LEAF) {
      leaves.add(new int[] {lo, hi});
      return;
    }
    int mid = lo + (hi - lo) / 2;
    double b = Math.abs(e[mid - 1]);
    d[mid - 1] -= b;
    d[mid] -= b;
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    levels.get(level).add(new int[] {lo, mid, hi});
    tear(lo, mid, level + 1, leaves, levels);
    tear(mid, hi, level + 1, leaves, levels);
  }

  /** Column kinds, as in LAPACK's dlaed2: where a column of the merged Q can be non-zero. */
  private static final int UPPER = 0;

  private static final int DENSE = 1;
  private static final int LOWER = 2;

  /** Merges the solved halves {@code [lo, mid)} and {@code [mid, hi)}. */
  private void merge(int lo, int mid, int hi, boolean parallel) {
    int m = hi - lo;
    int n1 = mid - lo;
    double b = e[mid - 1];
    double rho = 2 * Math.abs(b);
    double[] z = new double[m];
    double sq = Math.sqrt(0.5);
    for (int c = 0; c < n1; c++) {
      z[c] = q[(mid - 1) * n + lo + c] * sq;
    }
    double sign = b < 0 ? -sq : sq;
    for (int c = n1; c < m; c++) {
      z[c] = q[mid * n + lo + c] * sign;
    }
    double[] dv = Arrays.copyOfRange(d, lo, hi);
    int[] kind = new int[m];
    for (int c = 0; c < m; c++) {
      kind[c] = c < n1 ? UPPER : LOWER;
    }
    // Columns in ascending order of d: merge the two sorted halves.
    int[] order = new int[m];
    for (int i = 0, a = 0, c = n1; i < m; i++) {
      order[i] = c >= m || (a < n1 && dv[a] <= dv[c]) ? a++ : c++;
    }
    double dmax = 0;
    for (double x : dv) {
      dmax = Math.max(dmax, Math.abs(x));
    }
    double tol = 8 * EPS * Math.max(dmax, rho);

    int[] kept = new int[m];
    int k = 0;
    int[] deflated = new int[m];
    int nd = 0;
    int prev = -1;
    for (int i = 0; i < m; i++) {
      int c = order[i];
      if (rho * Math.abs(z[c]) <= tol) {
        deflated[nd++] = c;
        continue;
      }
      if (prev >= 0) {
        double r = Math.hypot(z[prev], z[c]);
        double cs = z[c] / r;
        double sn = z[prev] / r;
        double t = dv[c] - dv[prev];
        if (Math.abs(t * cs * sn) <= tol) {
          // Rotate z[prev] into z[c]; prev keeps the rotated column as an eigenvector.
          z[c] = r;
          z[prev] = 0;
          double dp = dv[prev] * cs * cs + dv[c] * sn * sn;
          dv[c] = dv[prev] * sn * sn + dv[c] * cs * cs;
          dv[prev] = dp;
          rotate(lo, m, prev, c, cs, sn);
          if (kind[prev] != kind[c]) {
            kind[c] = DENSE;
          }
          deflated[nd++] = prev;
          prev = c;
          continue;
        }
        kept[k++] = prev;
      }
      prev = c;
    }
    if (prev >= 0) {
      kept[k++] = prev;
    }
    if (k == 0) {
      finish(lo, m, dv, new double[0], kept, 0, deflated, nd, null);
      return;
    }

    double[] lambda = new double[k];
    double[] u = secular(kept, k, dv, z, rho, lambda, parallel);
    multiplyKept(lo, mid, hi, kept, k, kind, u, parallel, dv, lambda, deflated, nd);
  }

  /**
   * Roots of the secular equation over the kept columns (ascending d) into lambda, and their unit
   * eigenvectors as the rows of the returned k x k array.
   */
  private double[] secular(
      int[] kept, int k, double[] dv, double[] z, double rho, double[] lambda, boolean parallel) {
    // The secular equation over the kept columns, in ascending order of d.
    double[] dl = new double[k];
    double[] zz = new double[k];
    for (int s = 0; s < k; s++) {
      dl[s] = dv[kept[s]];
      zz[s] = z[kept[s]] * z[kept[s]];
    }
    double[] u = new double[k * k];
    int per = 8;
    boolean big = parallel && k >= PARALLEL_K;
    run(
        big,
        (k + per - 1) / per,
        t -> {
          double[] sums = new double[2];
          for (int j = t * per; j < Math.min(k, (t + 1) * per); j++) {
            lambda[j] = Secular.root(l2, j, k, dl, zz, rho, u, j * k, sums);
          }
        });
    // Löwner: zhat_i^2 = (lambda_i - d_i)/rho prod_{j != i} (lambda_j - d_i)/(d_j - d_i),
    // with lambda_j - d_i = -u[j][i] computed accurately by the root finder.
    double[] zhat = new double[k];
    int chunk = 64;
    run(
        big,
        (k + chunk - 1) / chunk,
        t -> {
          int i0 = t * chunk;
          int i1 = Math.min(k, i0 + chunk);
          for (int i = i0; i < i1; i++) {
            zhat[i] = -u[i * k + i] / rho;
          }
          for (int j = 0; j < k; j++) {
            int o = j * k;
            double dj = dl[j];
            // Two loops around i = j, so that the JIT can vectorise them.
            for (int i = i0; i < Math.min(i1, j); i++) {
              zhat[i] *= -u[o + i] / (dj - dl[i]);
            }
            for (int i = Math.max(i0, j + 1); i < i1; i++) {
              zhat[i] *= -u[o + i] / (dj - dl[i]);
            }
          }
          for (int i = i0; i < i1; i++) {
            zhat[i] = Math.copySign(Math.sqrt(zhat[i]), z[kept[i]]);
          }
        });
    // Row j of u becomes the unit eigenvector of root j: zhat_i / (d_i - lambda_j).
    run(
        big,
        (k + chunk - 1) / chunk,
        t -> {
          for (int j = t * chunk; j < Math.min(k, (t + 1) * chunk); j++) {
            int o = j * k;
            for (int i = 0; i < k; i++) {
              u[o + i] = zhat[i] / u[o + i];
            }
            double ss = l2.dot(u, o, u, o, k);
            double inv = 1 / Math.sqrt(ss);
            for (int i = 0; i < k; i++) {
              u[o + i] *= inv;
            }
          }
        });
    return u;
  }

  /**
   * Q(block, kept) U into the first k columns of the block, then {@link #finish}. The upper rows
   * need only the UPPER and DENSE columns, the lower rows only DENSE and LOWER.
   */
  private void multiplyKept(
      int lo,
      int mid,
      int hi,
      int[] kept,
      int k,
      int[] kind,
      double[] u,
      boolean parallel,
      double[] dv,
      double[] lambda,
      int[] deflated,
      int nd) {
    int m = hi - lo;
    int n1 = mid - lo;
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    // The kept columns in kind order UPPER, DENSE, LOWER: the upper rows use the first ku of
    // them, the lower rows the last kl, so one packing of U (rows in that order) serves both.
    int[] cols = new int[k];
    int[] rows = new int[k];
    int t = 0;
    int k1 = 0;
    int k3 = 0;
    for (int want = UPPER; want <= LOWER; want++) {
      for (int s = 0; s < k; s++) {
        if (kind[kept[s]] == want) {
          cols[t] = kept[s];
          rows[t++] = s;
          k1 += want == UPPER ? 1 : 0;
          k3 += want == LOWER ? 1 : 0;
        }
      }
    }
    int ku = k - k3;
    int kl = k - k1;
    int n2 = m - n1;
    double[] aUp = packed(Gemm.rowMajor(q, lo * n + lo, n, cols), n1, ku, mr, parallel);
    double[] aLo =
        packed(
            Gemm.rowMajor(q, mid * n + lo, n, Arrays.copyOfRange(cols, k1, k)),
            n2,
            kl,
            mr,
            parallel);
    double[] b = packed(Gemm.rowMajor(u, 0, k, rows), k, k, nr, parallel);
    double[] saved = new double[m * nd];
    for (int r = 0; r < m; r++) {
      int o = (lo + r) * n + lo;
      for (int x = 0; x < nd; x++) {
        saved[r * nd + x] = q[o + deflated[x]];
      }
      Arrays.fill(q, o, o + k, 0.0);
    }
    Gemm.multiply(
        kern,
        aUp,
        0,
        n1,
        b,
        0,
        k * nr,
        k,
        ku,
        q,
        lo * n + lo,
        n,
        nr,
        Gemm.Shape.FULL,
        parallel,
        cancel);
    Gemm.multiply(
        kern,
        aLo,
        0,
        n2,
        b,
        k1 * nr,
        k * nr,
        k,
        kl,
        q,
        mid * n + lo,
        n,
        nr,
        Gemm.Shape.FULL,
        parallel,
        cancel);
    finish(lo, m, dv, lambda, null, k, deflated, nd, saved);
  }

  private double[] packed(Gemm.Operand op, int rows, int depth, int width, boolean parallel) {
    if (parallel) {
      return Gemm.packed(op, rows, depth, width, cancel);
    }
    double[] dst = new double[Gemm.packedLength(rows, depth, width)];
    Gemm.pack(op, rows, depth, width, dst, 0);
    return dst;
  }

  /**
   * Orders the block's eigenpairs ascending: the k secular roots (their vectors in the block's
   * first k columns, or, when {@code kept} is given, still in place) and the deflated ones (their
   * vectors in {@code saved}, or in place when saved is null).
   */
  private void finish(
      int lo,
      int m,
      double[] dv,
      double[] lambda,
      int[] kept,
      int k,
      int[] deflated,
      int nd,
      double[] saved) {
    Integer[] defl = new Integer[nd];
    for (int t = 0; t < nd; t++) {
      defl[t] = t;
    }
    Arrays.sort(
        defl,
        (x, y) -> {
          int c = Double.compare(dv[deflated[x]], dv[deflated[y]]);
          return c != 0 ? c : Integer.compare(deflated[x], deflated[y]);
        });
    // source[f] >= 0: root j; < 0: deflated entry -1 - t
    int[] source = new int[m];
    for (int f = 0, j = 0, t = 0; f < m; f++) {
      boolean root = t >= nd || (j < k && lambda[j] <= dv[deflated[defl[t]]]);
      if (root) {
        d[lo + f] = lambda[j];
        source[f] = j++;
      } else {
        d[lo + f] = dv[deflated[defl[t]]];
        source[f] = -1 - defl[t++];
      }
    }
    double[] row = new double[m];
    for (int r = 0; r < m; r++) {
      int o = (lo + r) * n + lo;
      for (int f = 0; f < m; f++) {
        int s = source[f];
        if (s >= 0) {
          row[f] = q[o + (kept != null ? kept[s] : s)];
        } else {
          int t = -1 - s;
          row[f] = saved != null ? saved[r * nd + t] : q[o + deflated[t]];
        }
      }
      System.arraycopy(row, 0, q, o, m);
    }
  }

  /** Turns columns p and c of the block: {@code (cs q_p - sn q_c, sn q_p + cs q_c)}. */
  private void rotate(int lo, int m, int p, int c, double cs, double sn) {
    for (int r = 0; r < m; r++) {
      int o = (lo + r) * n + lo;
      double x = q[o + p];
      double y = q[o + c];
      q[o + p] = cs * x - sn * y;
      q[o + c] = sn * x + cs * y;
    }
  }

  private interface Task {
    void run(int t);
  }

  private void run(boolean parallel, int tasks, Task task) {
    if (parallel && tasks > 1) {
      Parallel.run(
          "eigen: merge",
          tasks,
          tasks,
          () -> null,
          (s, t) -> {
            task.run(t);
            return 1;
          },
          cancel);
    } else {
      for (int t = 0; t < tasks; t++) {
        task.run(t);
      }
    }
  }
}
