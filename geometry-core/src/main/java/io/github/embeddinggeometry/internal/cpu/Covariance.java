package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.Parallel;
import io.github.embeddinggeometry.internal.kernel.TileKernel;

/**
 * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)}, d x d, in double.
 *
 * <p>Rows are centred in double and rounded to float32, then taken in chunks of {@link
 * TileKernel#KC} rows: each chunk's product {@code X^T X} is formed by the float32 micro-kernel
 * (sums of at most 256 terms) and added into the float64 accumulator, so the rounding error does
 * not grow with N. Only the upper triangle is computed (in column bands of roughly equal work, one
 * task per band, so the threads never write the same entry) and mirrored at the end. The
 * accumulators are kept in micro-tile order, so adding a tile touches consecutive memory. Groups of
 * rows are processed one after another, so the summation order, and thus the result, is the same on
 * every run and with any number of threads.
 */
final class Covariance {
  private static final int GROUP_ROWS = 1024;

  private Covariance() {}

  static double[] compute(
      TileKernel kern, EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    int d = w.dim();
    int n = w.rows();
    int mr = kern.mr();
    int nr = kern.nr();
    int jPanels = (d + nr - 1) / nr;
    int bands = bands(jPanels, Parallel.threads());
    int[] bandStart = new int[bands + 1];
    // Work of B panel jp is proportional to (jp + 1); split the cumulative work evenly.
    long totalWork = (long) jPanels * (jPanels + 1) / 2;
    int b = 1;
    long acc = 0;
    for (int jp = 0; jp < jPanels && b < bands; jp++) {
      acc += jp + 1;
      if (acc * bands >= totalWork * b) {
        bandStart[b++] = jp + 1;
      }
    }
    while (b <= bands) {
      bandStart[b++] = jPanels;
    }
    // The centred rows are taken to a scaled domain whose largest entry lies in [1, 2) (a power
    // of two: exact), so float32 products neither overflow for rows of 1e30 nor underflow for
    // rows of 1e-41 or rows that barely differ from the mean; C comes back by 2^(2e), also exact.
    int exp = exponentOfCentred(w, mean);
    double scale = Math.scalb(1.0, -exp);
    int kc = TileKernel.KC;
    int paddedD = jPanels * nr;
    int aPanelsAll = (paddedD + mr - 1) / mr;
    // Per band, a float64 accumulator in micro-tile order: block (jp, ip) for ip < ipEnd(jp), so
    // each micro-kernel call adds its tile into mr*nr consecutive doubles (no scattered writes).
    double[][] sums = new double[bands][];
    int[] blockBase = new int[jPanels];
    for (int t = 0; t < bands; t++) {
      long size = 0;
      for (int jp = bandStart[t]; jp < bandStart[t + 1]; jp++) {
        blockBase[jp] = Math.toIntExact(size);
        size += (long) ipEnd(jp, nr, mr, aPanelsAll) * mr * nr;
      }
      sums[t] = new double[Math.toIntExact(size)];
    }
    int icPanels = Math.max(1, TileKernel.IC / mr);
    long totalUnits = (long) n;
    int chunksPerGroup = GROUP_ROWS / kc;
    // The group's rows, centred and packed once for all bands: chunk q (kc rows) as A panels at
    // ap[q * kc * aCols ...] and as B panels at bp[q * kc * paddedD ...].
    int aCols = aPanelsAll * mr;
    float[] ap = new float[GROUP_ROWS * aCols];
    float[] bp = new float[GROUP_ROWS * paddedD];
    for (int g0 = 0; g0 < n; g0 += GROUP_ROWS) {
      int g1 = Math.min(n, g0 + GROUP_ROWS);
      int groupStart = g0;
      int chunks = (g1 - g0 + kc - 1) / kc;
      ProgressListener silent = Parallel.silent(progress);
      Parallel.run(
          "covariance",
          chunks,
          0,
          () -> new float[Math.max(aCols, paddedD)],
          (row, q) -> {
            int r0 = groupStart + q * kc;
            int rows = Math.min(kc, g1 - r0);
            pack(w, mean, scale, r0, rows, d, mr, aCols, ap, q * kc * aCols, row);
            pack(w, mean, scale, r0, rows, d, nr, paddedD, bp, q * kc * paddedD, row);
            return 0;
          },
          silent);
      ProgressListener step = Parallel.offset(progress, g0, totalUnits);
      Parallel.run(
          "covariance",
          bands,
          g1 - g0,
          () -> new float[mr * nr],
          (tile, t) -> {
            int jp0 = bandStart[t];
            int jp1 = bandStart[t + 1];
            if (jp0 == jp1) {
              return 0;
            }
            double[] a = sums[t];
            int block = mr * nr;
            int ipMax = ipEnd(jp1 - 1, nr, mr, aPanelsAll);
            for (int q = 0; q < chunks; q++) {
              int rows = Math.min(kc, g1 - (groupStart + q * kc));
              int aBase = q * kc * aCols;
              int bBase = q * kc * paddedD;
              // L2 blocking: a block of A panels (IC columns) against every B panel of the band,
              // so each B micro-panel stays in L1 and the A block in L2.
              for (int ic = 0; ic < ipMax; ic += icPanels) {
                int icEnd = Math.min(ipMax, ic + icPanels);
                for (int jp = jp0; jp < jp1; jp++) {
                  int ipEnd = Math.min(icEnd, ipEnd(jp, nr, mr, aPanelsAll));
                  int bOff = bBase + jp * rows * nr;
                  int o = blockBase[jp] + ic * block;
                  for (int ip = ic; ip < ipEnd; ip++, o += block) {
                    kern.micro(ap, aBase + ip * rows * mr, bp, bOff, rows, tile, 0, nr, false);
                    for (int e = 0; e < block; e++) {
                      a[o + e] += tile[e];
                    }
                  }
                }
              }
            }
            return 0;
          },
          step);
      progress.progress("covariance", g1, totalUnits);
    }
    double[] c = new double[d * d];
    double inv = 1.0 / n;
    for (int t = 0; t < bands; t++) {
      int o = 0;
      for (int jp = bandStart[t]; jp < bandStart[t + 1]; jp++) {
        int ipEnd = ipEnd(jp, nr, mr, aPanelsAll);
        for (int ip = 0; ip < ipEnd; ip++, o += mr * nr) {
          for (int r = 0; r < mr; r++) {
            int i = ip * mr + r;
            for (int q = 0; q < nr; q++) {
              int j = jp * nr + q;
              if (i <= j && j < d) {
                double v = Math.scalb(sums[t][o + r * nr + q] * inv, 2 * exp);
                c[i * d + j] = v;
                c[j * d + i] = v;
              }
            }
          }
        }
      }
    }
    return c;
  }

  /**
   * The exponent that brings the largest centred magnitude {@code max |w_ij - mu_j|} into [1, 2); 0
   * when every row equals the mean.
   */
  private static int exponentOfCentred(EmbeddingMatrix w, double[] mean) {
    int n = w.rows();
    int d = w.dim();
    float[] src = w.backingArray();
    int chunk = Math.max(64, (1 << 16) / Math.max(1, d));
    int tiles = (n + chunk - 1) / chunk;
    double[] tileMax = new double[tiles];
    Parallel.run(
        "covariance",
        tiles,
        0,
        () -> null,
        (state, t) -> {
          double max = 0;
          int to = Math.min(n, (t + 1) * chunk);
          for (int r = t * chunk; r < to; r++) {
            int o = w.rowOffsetInt(r);
            for (int c = 0; c < d; c++) {
              max = Math.max(max, Math.abs(src[o + c] - mean[c]));
            }
          }
          tileMax[t] = max;
          return 0;
        },
        ProgressListener.NONE);
    double max = 0;
    for (double m : tileMax) {
      max = Math.max(max, m);
    }
    return max == 0 ? 0 : Math.getExponent(max);
  }

  /** A panels holding columns {@code i <=} the last column of B panel {@code jp}. */
  private static int ipEnd(int jp, int nr, int mr, int aPanelsAll) {
    return Math.min(aPanelsAll, (jp * nr + nr + mr - 1) / mr);
  }

  private static int bands(int jPanels, int threads) {
    return Math.max(1, Math.min(jPanels, threads == 1 ? 1 : 3 * threads));
  }

  /**
   * Centres rows {@code [r0, r0+rows)} and packs them depth-major in panels of {@code panelCols}
   * columns: {@code dst[off + p*rows*panelCols + k*panelCols + r]} = column {@code p*panelCols + r}
   * of row {@code r0 + k}, zero for columns at or past d (up to {@code cols}).
   *
   * @param row scratch of at least {@code cols} floats
   */
  private static void pack(
      EmbeddingMatrix w,
      double[] mean,
      double scale,
      int r0,
      int rows,
      int d,
      int panelCols,
      int cols,
      float[] dst,
      int off,
      float[] row) {
    float[] src = w.backingArray();
    for (int col = d; col < cols; col++) {
      row[col] = 0f;
    }
    int stride = rows * panelCols;
    for (int k = 0; k < rows; k++) {
      int so = w.rowOffsetInt(r0 + k);
      for (int col = 0; col < d; col++) {
        row[col] = (float) ((src[so + col] - mean[col]) * scale);
      }
      int o = off + k * panelCols;
      for (int col = 0; col < cols; col += panelCols, o += stride) {
        System.arraycopy(row, col, dst, o, panelCols);
      }
    }
  }
}
