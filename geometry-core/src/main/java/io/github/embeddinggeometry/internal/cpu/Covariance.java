package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import java.util.Objects;

/**
 * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)}, d x d, in double.
 *
 * <p>Rows are centred in double and rounded to float32, then taken in chunks of {@link
 * TileKernel#KC} rows: each chunk's product {@code X^T X} is formed by the float32 micro-kernel
 * (sums of at most 256 terms) and added into the float64 accumulator, so the rounding error does
 * not grow with N. Only the upper triangle is computed (in column bands of roughly equal work,
 * one task per band, so the threads never write the same entry) and mirrored at the end. Groups
 * of rows are processed one after another, so the summation order, and thus the result, is the
 * same on every run and with any number of threads.
 */
final class Covariance {
  private static final int GROUP_ROWS = 4096;

  private Covariance() {}

  static double[] compute(TileKernel kern, EmbeddingMatrix w, double[] mean,
      ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(progress, "progress");
    int d = w.dim();
    int n = w.rows();
    if (mean.length != d) {
      throw new IllegalArgumentException("mean has " + mean.length + " values, rows have d = " + d);
    }
    for (int j = 0; j < d; j++) {
      if (!Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("mean[" + j + "] is not finite: " + mean[j]);
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("covariance of 0 rows is undefined");
    }
    int bad = w.firstNonFiniteRow();
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "row " + bad + " (vocabulary id " + w.id(bad) + ") holds NaN or infinity;"
              + " the covariance is defined for finite rows only");
    }
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
    double[] c = new double[d * d];
    long totalUnits = (long) n;
    int kc = TileKernel.KC;
    int paddedD = jPanels * nr;
    int aPanelsAll = (paddedD + mr - 1) / mr;
    for (int g0 = 0; g0 < n; g0 += GROUP_ROWS) {
      int g1 = Math.min(n, g0 + GROUP_ROWS);
      int groupStart = g0;
      ProgressListener step = Parallel.offset(progress, g0, totalUnits);
      Parallel.run("covariance", bands, g1 - g0,
          () -> new Scratch(kc, aPanelsAll * mr, nr, mr, paddedD),
          (s, t) -> {
            int jp0 = bandStart[t];
            int jp1 = bandStart[t + 1];
            if (jp0 == jp1) {
              return 0;
            }
            int colEnd = Math.min(d, jp1 * nr);
            int aPanels = (Math.min(paddedD, jp1 * nr) + mr - 1) / mr;
            for (int r0 = groupStart; r0 < g1; r0 += kc) {
              int rows = Math.min(kc, g1 - r0);
              s.pack(w, mean, r0, rows, colEnd, jp0 * nr);
              for (int jp = jp0; jp < jp1; jp++) {
                int j0 = jp * nr;
                // A panels holding columns i <= last column of this B panel
                int ipEnd = Math.min(aPanels, (j0 + nr + mr - 1) / mr);
                for (int ip = 0; ip < ipEnd; ip++) {
                  kern.micro(s.ap, ip * rows * mr, s.bp, (jp - jp0) * rows * nr, rows, s.tile, 0, nr,
                      false);
                  int i0 = ip * mr;
                  for (int r = 0; r < mr; r++) {
                    int i = i0 + r;
                    if (i >= d) {
                      break;
                    }
                    int ci = i * d;
                    int to = r * nr;
                    for (int q = Math.max(0, i - j0); q < nr; q++) {
                      int j = j0 + q;
                      if (j >= d) {
                        break;
                      }
                      c[ci + j] += s.tile[to + q];
                    }
                  }
                }
              }
            }
            return 0;
          }, step);
      progress.progress("covariance", g1, totalUnits);
    }
    double inv = 1.0 / n;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double v = c[i * d + j] * inv;
        c[i * d + j] = v;
        c[j * d + i] = v;
      }
    }
    return c;
  }

  private static int bands(int jPanels, int threads) {
    return Math.max(1, Math.min(jPanels, threads == 1 ? 1 : 3 * threads));
  }

  /** Per-worker packed chunk: centred rows, depth-major, as A panels (mr) and B panels (nr). */
  private static final class Scratch {
    final int kc;
    final int mr;
    final int nr;
    final float[] ap;
    final float[] bp;
    final float[] tile;
    Scratch(int kc, int aCols, int nr, int mr, int paddedD) {
      this.kc = kc;
      this.mr = mr;
      this.nr = nr;
      this.ap = new float[kc * aCols];
      this.bp = new float[kc * paddedD];
      this.tile = new float[mr * nr];
    }

    /**
     * Centres rows {@code [r0, r0+rows)}: columns {@code [0, colEnd)} into the A panels, columns
     * {@code [bFrom, colEnd)} into the B panels (B panel 0 starts at column {@code bFrom}).
     */
    void pack(EmbeddingMatrix w, double[] mean, int r0, int rows, int colEnd, int bFrom) {
      float[] src = w.backingArray();
      int aCols = (colEnd + mr - 1) / mr * mr;
      int bCols = (colEnd - bFrom + nr - 1) / nr * nr;
      for (int k = 0; k < rows; k++) {
        int so = w.rowOffsetInt(r0 + k);
        for (int p = 0, col = 0; col < aCols; p++) {
          int o = p * rows * mr + k * mr;
          for (int r = 0; r < mr; r++, col++) {
            ap[o + r] = col < colEnd ? (float) (src[so + col] - mean[col]) : 0f;
          }
        }
        for (int p = 0, col = bFrom; col < bFrom + bCols; p++) {
          int o = p * rows * nr + k * nr;
          for (int q = 0; q < nr; q++, col++) {
            bp[o + q] = col < colEnd ? (float) (src[so + col] - mean[col]) : 0f;
          }
        }
      }
    }
  }
}
