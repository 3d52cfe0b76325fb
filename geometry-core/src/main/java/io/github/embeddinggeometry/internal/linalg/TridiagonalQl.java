package io.github.embeddinggeometry.internal.linalg;

/**
 * Eigenpairs of a small symmetric tridiagonal matrix by the implicit QL method with Wilkinson's
 * shift (EISPACK's {@code tql2}): {@code O(m^3)} with eigenvectors, so only for the leaves of
 * {@link DivideConquer}.
 */
final class TridiagonalQl {
  private static final double EPS = Math.ulp(1.0) / 2;
  private static final int MAX_SWEEPS = 60;

  private TridiagonalQl() {}

  /**
   * The tridiagonal with diagonal {@code d[lo .. lo+m)} and off-diagonal {@code e[lo .. lo+m-1)}
   * ({@code e[i]} couples i and i + 1): on return {@code d[lo ..]} holds the eigenvalues ascending
   * and the m x m block of {@code z} at {@code z[zOff]} (row stride ldz) the eigenvectors as
   * columns. {@code e} is not modified.
   *
   * @throws IllegalStateException if an eigenvalue does not converge (not expected: QL converges
   *     cubically for symmetric tridiagonals)
   */
  static void solve(double[] d, double[] eIn, int lo, int m, double[] z, int zOff, int ldz) {
    double[] e = new double[m];
    System.arraycopy(eIn, lo, e, 0, m - 1);
    // The eigenvectors as the rows of vt, so that a rotation of two of them is a contiguous loop.
    double[] vt = new double[m * m];
    for (int r = 0; r < m; r++) {
      vt[r * m + r] = 1;
    }
    for (int l = 0; l < m; l++) {
      int sweeps = 0;
      while (true) {
        int k = l;
        while (k < m - 1
            && Math.abs(e[k]) > EPS * (Math.abs(d[lo + k]) + Math.abs(d[lo + k + 1]))) {
          k++;
        }
        if (k == l) {
          break;
        }
        if (++sweeps > MAX_SWEEPS) {
          throw new IllegalStateException("implicit QL did not converge for eigenvalue " + l);
        }
        sweep(d, e, lo, l, k, vt, m);
      }
    }
    sort(d, lo, m, vt);
    for (int r = 0; r < m; r++) {
      for (int c = 0; c < m; c++) {
        z[zOff + r * ldz + c] = vt[c * m + r];
      }
    }
  }

  /**
   * One QL step on the unreduced block {@code [l, k]} with the shift from the leading 2 x 2, chased
   * by plane rotations from the bottom; the rotations also turn the rows of vt.
   */
  private static void sweep(double[] d, double[] e, int lo, int l, int k, double[] vt, int m) {
    double g = (d[lo + l + 1] - d[lo + l]) / (2 * e[l]);
    double r = Math.hypot(g, 1);
    g = d[lo + k] - d[lo + l] + e[l] / (g + Math.copySign(r, g));
    double s = 1;
    double c = 1;
    double p = 0;
    for (int i = k - 1; i >= l; i--) {
      double f = s * e[i];
      double b = c * e[i];
      r = Math.hypot(f, g);
      e[i + 1] = r;
      if (r == 0) {
        // The rotation underflowed: the matrix split at i + 1; restart on the smaller block.
        d[lo + i + 1] -= p;
        e[k] = 0;
        return;
      }
      s = f / r;
      c = g / r;
      g = d[lo + i + 1] - p;
      r = (d[lo + i] - g) * s + 2 * c * b;
      p = s * r;
      d[lo + i + 1] = g + p;
      g = c * r - b;
      int oi = i * m;
      int on = oi + m;
      for (int row = 0; row < m; row++) {
        double zi = vt[oi + row];
        double zn = vt[on + row];
        vt[on + row] = s * zi + c * zn;
        vt[oi + row] = c * zi - s * zn;
      }
    }
    d[lo + l] -= p;
    e[l] = g;
    e[k] = 0;
  }

  /** Selection sort, ascending, moving the eigenvectors (rows of vt) along. */
  private static void sort(double[] d, int lo, int m, double[] vt) {
    for (int i = 0; i < m - 1; i++) {
      int best = i;
      for (int j = i + 1; j < m; j++) {
        if (d[lo + j] < d[lo + best]) {
          best = j;
        }
      }
      if (best != i) {
        double t = d[lo + i];
        d[lo + i] = d[lo + best];
        d[lo + best] = t;
        for (int row = 0; row < m; row++) {
          double u = vt[i * m + row];
          vt[i * m + row] = vt[best * m + row];
          vt[best * m + row] = u;
        }
      }
    }
  }
}
