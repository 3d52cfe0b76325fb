package io.github.embeddinggeometry.frame;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Lanczos with full reorthogonalisation for the leading eigenpairs of a dense symmetric C.
 *
 * <p>Every new Krylov vector is orthogonalised twice against all previous ones (Gram-Schmidt,
 * repeated), so the basis stays orthonormal to rounding and no spurious copies of converged
 * eigenvalues appear. Convergence of a Ritz pair is read from the last off-diagonal: {@code ||C y -
 * theta y|| = beta_m |s_m|}. If the Krylov space becomes invariant early (C has few distinct
 * eigenvalues), the iteration restarts from a fresh random vector orthogonal to the basis, and
 * checks again only after that block has grown, so repeated eigenvalues are not missed. The start
 * vector comes from a fixed seed: results are deterministic.
 */
final class Lanczos {
  record Result(double[] values, double[] vectors) {}

  /** Relative residual at which a Ritz pair counts as converged. */
  static final double TOLERANCE = 1e-12;

  private Lanczos() {}

  static Result leading(double[] c, int d, int k, ProgressListener progress) {
    double[][] basis = new double[d][];
    double[] alpha = new double[d];
    double[] beta = new double[d];
    SplittableRandom rnd = new SplittableRandom(0x5EED_CA7L);
    double[] q = randomOrthonormal(d, rnd, basis, 0);
    double[] w = new double[d];
    int m = 0;
    int nextCheck = Math.max(2 * k + 10, 20);
    while (true) {
      ProgressListener.checkCancelled(progress);
      basis[m] = q;
      multiply(c, d, q, w);
      double a = 0;
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i <= m; i++) {
          double h = dot(basis[i], w);
          axpy(-h, basis[i], w);
          if (i == m) {
            a += h;
          }
        }
      }
      alpha[m] = a;
      double b = Math.sqrt(dot(w, w));
      m++;
      progress.progress("leading PCs (Lanczos)", m, d);
      boolean full = m == d;
      double scale = Math.abs(alpha[0]) + b + Math.abs(a);
      boolean breakdown = !full && !(b > 1e-14 * scale);
      if (full || (m >= nextCheck && !breakdown)) {
        Result r = ritz(basis, alpha, beta, m, b, d, k, full);
        if (r != null) {
          return r;
        }
        nextCheck = m + Math.max(10, m / 4);
      }
      if (breakdown) {
        beta[m - 1] = 0;
        q = randomOrthonormal(d, rnd, basis, m);
        nextCheck = Math.max(nextCheck, Math.min(d, m + 2 * k + 10));
      } else {
        beta[m - 1] = b;
        q = new double[d];
        for (int i = 0; i < d; i++) {
          q[i] = w[i] / b;
        }
      }
    }
  }

  /** The k leading Ritz pairs of the m-step tridiagonal, or null if not all have converged. */
  private static Result ritz(
      double[][] basis,
      double[] alpha,
      double[] beta,
      int m,
      double lastBeta,
      int d,
      int k,
      boolean exact) {
    DMatrixRMaj t = new DMatrixRMaj(m, m);
    for (int i = 0; i < m; i++) {
      t.set(i, i, alpha[i]);
      if (i + 1 < m) {
        t.set(i, i + 1, beta[i]);
        t.set(i + 1, i, beta[i]);
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
    if (!eig.decompose(t)) {
      throw new IllegalStateException(
          "eigen-decomposition of the " + m + "-step Lanczos matrix failed");
    }
    Integer[] order = new Integer[m];
    double[] theta = new double[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
      theta[i] = eig.getEigenvalue(i).getReal();
    }
    Arrays.sort(order, (x, y) -> Double.compare(theta[y], theta[x]));
    double top = Math.max(Math.abs(theta[order[0]]), Math.abs(theta[order[m - 1]]));
    double[] values = new double[k];
    double[] vectors = new double[d * k];
    for (int col = 0; col < k; col++) {
      DMatrixRMaj s = eig.getEigenVector(order[col]);
      if (!exact && Math.abs(lastBeta * s.get(m - 1, 0)) > TOLERANCE * top) {
        return null;
      }
      values[col] = theta[order[col]];
      double[] y = new double[d];
      for (int j = 0; j < m; j++) {
        axpy(s.get(j, 0), basis[j], y);
      }
      Pca.normalise(y);
      Pca.fixSign(y);
      for (int i = 0; i < d; i++) {
        vectors[i * k + col] = y[i];
      }
    }
    return new Result(values, vectors);
  }

  private static void multiply(double[] c, int d, double[] x, double[] out) {
    final int chunk = 64;
    Parallel.run(
        "Lanczos",
        (d + chunk - 1) / chunk,
        d,
        () -> null,
        (state, t) -> {
          int to = Math.min(d, (t + 1) * chunk);
          for (int i = t * chunk; i < to; i++) {
            double s = 0;
            int o = i * d;
            for (int j = 0; j < d; j++) {
              s += c[o + j] * x[j];
            }
            out[i] = s;
          }
          return to - t * chunk;
        },
        ProgressListener.NONE);
  }

  /** A random unit vector orthogonal to {@code basis[0 .. m)}. */
  private static double[] randomOrthonormal(int d, SplittableRandom rnd, double[][] basis, int m) {
    while (true) {
      double[] v = new double[d];
      for (int i = 0; i < d; i++) {
        v[i] = rnd.nextDouble(-1, 1);
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < m; i++) {
          axpy(-dot(basis[i], v), basis[i], v);
        }
      }
      double n = Math.sqrt(dot(v, v));
      if (n > 1e-8) {
        for (int i = 0; i < d; i++) {
          v[i] /= n;
        }
        return v;
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }
}
