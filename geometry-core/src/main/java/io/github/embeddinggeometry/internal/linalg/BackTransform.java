package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.cpu.Parallel;
import io.github.embeddinggeometry.internal.cpu.TileKernel;
import java.util.Arrays;

/**
 * {@code Z := Q Z} for the Q of {@link Tridiagonal} (LAPACK's {@code dormtr}): blocks of nb
 * reflectors in compact WY form {@code H_i ... H_{i+nb-1} = I - V T V^T} (T upper triangular, as
 * {@code dlarft} builds it), applied last block first, each as {@code Z -= V (T (V^T Z))}: two
 * products on the micro-kernel of about {@code 2 nb m n} flops each, {@code 2 n^3} in all.
 *
 * <p>The columns of Z are cut into fixed chunks; a chunk goes through both products on one thread,
 * so each element's arithmetic is the same whatever the thread count.
 */
final class BackTransform {
  /** Columns of Z per parallel task. */
  private static final int CHUNK = 96;

  private BackTransform() {}

  /**
   * @param v the reflectors as {@link Tridiagonal} leaves them (row c is v_c)
   * @param z row-major n x n, overwritten by Q z
   */
  static void apply(TileKernel kern, double[] v, double[] tau, int n, int nb, double[] z,
      ProgressListener progress) {
    if (n < 3) {
      return; // H_0 of a 2 x 2 matrix is the identity
    }
    ProgressListener cancel = Parallel.silent(progress);
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    int reflectors = n - 2; // H_{n-2} has tau = 0
    int blocks = (reflectors + nb - 1) / nb;
    double[] t = new double[nb * nb];
    for (int b = blocks - 1; b >= 0; b--) {
      ProgressListener.checkCancelled(progress);
      int i = b * nb;
      int kb = Math.min(nb, reflectors - i);
      int s = i + 1;
      int m = n - s;
      // V(r, p) = v_{i+p}[s + r]: V^T is the rows i.. of v from column s.
      double[] vt = Gemm.packed(Gemm.rowMajor(v, i * n + s, n, null), kb, m, mr, cancel);
      double[] vn = Gemm.packed(Gemm.depthMajor(v, i * n + s, n, 1), m, kb, mr, cancel);
      triangularFactor(kern, v, tau, n, i, kb, nb, vt, t, cancel);
      int chunks = (n + CHUNK - 1) / CHUNK;
      int tb = kb;
      Parallel.run("back-transformation", chunks, chunks, () -> new Chunk(m, tb, nr),
          (w, c) -> {
            int c0 = c * CHUNK;
            int wc = Math.min(CHUNK, n - c0);
            // W = V^T Z(s.., chunk)
            Gemm.pack(Gemm.depthMajor(z, s * n + c0, n, 1), wc, m, nr, w.zp, 0);
            Arrays.fill(w.w, 0, tb * wc, 0.0);
            Gemm.multiply(kern, vt, 0, tb, w.zp, 0, wc, m, w.w, 0, wc, Gemm.Shape.FULL, false,
                cancel);
            // W2 = -T W
            for (int p = 0; p < tb; p++) {
              Arrays.fill(w.w2, p * wc, p * wc + wc, 0.0);
              for (int q = p; q < tb; q++) {
                double tpq = -t[p * nb + q];
                int wo = q * wc;
                int o = p * wc;
                for (int col = 0; col < wc; col++) {
                  w.w2[o + col] += tpq * w.w[wo + col];
                }
              }
            }
            // Z(s.., chunk) += V W2
            Gemm.pack(Gemm.depthMajor(w.w2, 0, wc, 1), wc, tb, nr, w.wp, 0);
            Gemm.multiply(kern, vn, 0, m, w.wp, 0, wc, tb, z, s * n + c0, n, Gemm.Shape.FULL,
                false, cancel);
            return 1;
          }, cancel);
      progress.progress("eigen: back-transformation", blocks - b, blocks);
    }
  }

  /** Scratch of one worker. */
  private static final class Chunk {
    final double[] zp;
    final double[] w;
    final double[] w2;
    final double[] wp;

    Chunk(int m, int nb, int nr) {
      int width = (CHUNK + nr - 1) / nr * nr;
      zp = new double[width * m];
      w = new double[nb * CHUNK];
      w2 = new double[nb * CHUNK];
      wp = new double[width * nb];
    }
  }

  /**
   * The upper triangular T of {@code H_i ... H_{i+kb-1} = I - V T V^T} (forward, columnwise):
   * {@code T[p][p] = tau_p}, {@code T[0:p, p] = -tau_p T[0:p, 0:p] (V^T v_p)[0:p]}, with the Gram
   * matrix {@code V^T V} from the micro-kernel.
   */
  private static void triangularFactor(TileKernel kern, double[] v, double[] tau, int n, int i,
      int kb, int nb, double[] vt, double[] t, ProgressListener cancel) {
    int nr = kern.nrDouble();
    int s = i + 1;
    int m = n - s;
    double[] vb = Gemm.packed(Gemm.rowMajor(v, i * n + s, n, null), kb, m, nr, cancel);
    double[] g = new double[kb * kb];
    Gemm.multiply(kern, vt, 0, kb, vb, 0, kb, m, g, 0, kb, Gemm.Shape.FULL, true, cancel);
    Arrays.fill(t, 0.0);
    for (int p = 0; p < kb; p++) {
      double tp = tau[i + p];
      t[p * nb + p] = tp;
      if (tp == 0) {
        continue;
      }
      for (int q = 0; q < p; q++) {
        double sum = 0;
        for (int r = q; r < p; r++) {
          sum += t[q * nb + r] * g[r * kb + p];
        }
        t[q * nb + p] = -tp * sum;
      }
    }
  }
}
