package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import java.util.Arrays;

/**
 * {@code Z := Q Z} for the Q of {@link Tridiagonal} (LAPACK's {@code dormtr}): blocks of nb
 * reflectors in compact WY form {@code H_i ... H_{i+nb-1} = I - V T V^T} (T upper triangular, as
 * {@code dlarft} builds it), applied last block first, each as {@code Z -= V (T (V^T Z))}: two
 * products on the micro-kernel of about {@code 2 nb m n} flops each, {@code 2 n^3} in all.
 *
 * <p>Z is held as column panels of the micro-kernel's width nr ({@link #toPanels}), so the
 * micro-kernel reads it as a packed operand and updates it in place without copies. Z's columns are
 * cut into fixed chunks of panels; a chunk goes through every block, last first, on one thread
 * while it is in cache, so each element's arithmetic is the same whatever the thread count. The
 * packed reflector blocks are built once and shared.
 */
final class BackTransform {
  /** Columns of Z per parallel task, about. */
  private static final int CHUNK = 96;

  private BackTransform() {}

  /**
   * Row-major n x n z as column panels of width nr: {@code zp[p * n * nr + r * nr + j] = z[r][p *
   * nr + j]}, zero past column n.
   */
  static double[] toPanels(double[] z, int n, int nr) {
    int panels = (n + nr - 1) / nr;
    double[] zp = new double[panels * n * nr];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        zp[(c / nr) * n * nr + r * nr + c % nr] = z[r * n + c];
      }
    }
    return zp;
  }

  /**
   * @param v the reflectors as {@link Tridiagonal} leaves them (row c is v_c)
   * @param zp n x n in the panel layout of {@link #toPanels} for {@code kern.nrDouble()},
   *     overwritten by Q z
   */
  static void apply(
      TileKernel kern,
      double[] v,
      double[] tau,
      int n,
      int nb,
      double[] zp,
      ProgressListener progress) {
    if (n < 3) {
      return; // H_0 of a 2 x 2 matrix is the identity
    }
    ProgressListener cancel = Parallel.silent(progress);
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    int reflectors = n - 2; // H_{n-2} has tau = 0
    int blocks = (reflectors + nb - 1) / nb;
    // Every block packed once, shared by all chunks: V^T for W = V^T Z, V for Z -= V W2, and T.
    double[][] vt = new double[blocks][];
    double[][] vn = new double[blocks][];
    double[][] t = new double[blocks][];
    ProgressListener.checkCancelled(progress);
    Parallel.run(
        "eigen: back-transformation",
        blocks,
        blocks,
        () -> null,
        (unused, b) -> {
          int i = b * nb;
          int kb = Math.min(nb, reflectors - i);
          int m = n - i - 1;
          // V(r, p) = v_{i+p}[i + 1 + r]: V^T is rows i.. of v from column i + 1.
          vt[b] = new double[Gemm.packedLength(kb, m, mr)];
          Gemm.pack(Gemm.rowMajor(v, i * n + i + 1, n, null), kb, m, mr, vt[b], 0);
          vn[b] = new double[Gemm.packedLength(m, kb, mr)];
          Gemm.pack(Gemm.depthMajor(v, i * n + i + 1, n, 1), m, kb, mr, vn[b], 0);
          t[b] = triangularFactor(kern, v, tau, n, i, kb, vt[b]);
          return 1;
        },
        cancel);
    int perChunk = Math.max(1, CHUNK / nr);
    int panel = n * nr;
    int chunks = (n + perChunk * nr - 1) / (perChunk * nr);
    Parallel.run(
        "eigen: back-transformation",
        chunks,
        chunks,
        () -> new Chunk(nb, perChunk * nr, nr),
        (w, c) -> {
          int c0 = c * perChunk * nr;
          int wc = Math.min(perChunk * nr, n - c0);
          int zo = c * perChunk * panel;
          for (int b = blocks - 1; b >= 0; b--) {
            int i = b * nb;
            int kb = Math.min(nb, reflectors - i);
            int s = i + 1;
            int m = n - s;
            // W = V^T Z(s.., chunk)
            Arrays.fill(w.w, 0, kb * wc, 0.0);
            Gemm.multiply(
                kern,
                vt[b],
                0,
                kb,
                zp,
                zo + s * nr,
                panel,
                wc,
                m,
                w.w,
                0,
                wc,
                nr,
                Gemm.Shape.FULL,
                false,
                cancel);
            // W2 = -T W
            double[] tb = t[b];
            for (int p = 0; p < kb; p++) {
              Arrays.fill(w.w2, p * wc, p * wc + wc, 0.0);
              for (int q = p; q < kb; q++) {
                double tpq = -tb[p * kb + q];
                int wo = q * wc;
                int o = p * wc;
                for (int col = 0; col < wc; col++) {
                  w.w2[o + col] += tpq * w.w[wo + col];
                }
              }
            }
            // Z(s.., chunk) += V W2
            Gemm.pack(Gemm.depthMajor(w.w2, 0, wc, 1), wc, kb, nr, w.wp, 0);
            Gemm.multiply(
                kern,
                vn[b],
                0,
                m,
                w.wp,
                0,
                kb * nr,
                wc,
                kb,
                zp,
                zo + s * nr,
                nr,
                panel,
                Gemm.Shape.FULL,
                false,
                cancel);
          }
          return 1;
        },
        progress);
  }

  /** Scratch of one worker. */
  private static final class Chunk {
    final double[] w;
    final double[] w2;
    final double[] wp;

    Chunk(int nb, int width, int nr) {
      w = new double[nb * width];
      w2 = new double[nb * width];
      wp = new double[(width + nr - 1) / nr * nr * nb];
    }
  }

  /**
   * The upper triangular T of {@code H_i ... H_{i+kb-1} = I - V T V^T} (forward, columnwise):
   * {@code T[p][p] = tau_p}, {@code T[0:p, p] = -tau_p T[0:p, 0:p] (V^T v_p)[0:p]}, with the Gram
   * matrix {@code V^T V} from the micro-kernel.
   */
  private static double[] triangularFactor(
      TileKernel kern, double[] v, double[] tau, int n, int i, int kb, double[] vt) {
    int nr = kern.nrDouble();
    int s = i + 1;
    int m = n - s;
    double[] vb = new double[Gemm.packedLength(kb, m, nr)];
    Gemm.pack(Gemm.rowMajor(v, i * n + s, n, null), kb, m, nr, vb, 0);
    double[] g = new double[kb * kb];
    Gemm.multiply(kern, vt, 0, kb, vb, 0, kb, m, g, 0, kb, Gemm.Shape.FULL, false, null);
    double[] t = new double[kb * kb];
    for (int p = 0; p < kb; p++) {
      double tp = tau[i + p];
      t[p * kb + p] = tp;
      if (tp == 0) {
        continue;
      }
      for (int q = 0; q < p; q++) {
        double sum = 0;
        for (int r = q; r < p; r++) {
          sum += t[q * kb + r] * g[r * kb + p];
        }
        t[q * kb + p] = -tp * sum;
      }
    }
    return t;
  }
}
