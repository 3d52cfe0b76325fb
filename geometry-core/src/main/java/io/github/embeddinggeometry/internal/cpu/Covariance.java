package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.Parallel;
import io.github.embeddinggeometry.internal.kernel.TileKernel;

/**
 * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)}, d x d, in double, in the summation
 * order of {@link CanonicalSums} (groups of 1,024 rows, pairwise tree over groups), so a
 * distributed run gives the same bits.
 *
 * <p>Within a group ({@link GroupSums}), rows are centred in double and rounded to float32, then
 * taken in chunks of {@link CanonicalSums#CHUNK_ROWS} rows: each chunk's product {@code X^T X} is
 * formed by the float32 micro-kernel (sums of at most 256 terms) and added into the group's float64
 * accumulator, so the rounding error does not grow with N. Only the upper triangle is computed (in
 * column bands of roughly equal work, one task per band, so the threads never write the same
 * entry). The accumulators are kept in micro-tile order, so adding a tile touches consecutive
 * memory; a finished group is copied out as a packed upper triangle. The result is the same on
 * every run and with any number of threads.
 */
final class Covariance {
  private Covariance() {}

  static double[] compute(
      TileKernel kern, EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    int d = w.dim();
    int n = w.rows();
    int groups = CanonicalSums.groups(n);
    GroupSums sums = new GroupSums(kern, d);
    CanonicalSums.Nodes tree = new CanonicalSums.Nodes(Math.max(1, groups));
    for (int g = 0; g < groups; g++) {
      int g0 = g * CanonicalSums.GROUP_ROWS;
      int g1 = Math.min(n, g0 + CanonicalSums.GROUP_ROWS);
      tree.addLeaf(g, sums.partial(w, mean, g0, g1, Parallel.offset(progress, g0, n)));
      progress.progress("covariance", g1, n);
    }
    if (groups == 0) {
      tree.addLeaf(0, new double[CanonicalSums.packedLength(d)]);
    }
    return CanonicalSums.covariance(tree.root(), d, n);
  }

  /**
   * The float64 partial sums of one group of rows, as a packed upper triangle; buffers are reused
   * from group to group. Uses the calling thread and the library pool.
   */
  static final class GroupSums {
    private final TileKernel kern;
    private final int d;
    private final int mr;
    private final int nr;
    private final int jPanels;
    private final int bands;
    private final int[] bandStart;
    private final int aPanelsAll;
    private final int aCols;
    private final int paddedD;
    private final int[] blockBase;
    private final double[][] sums;
    private final float[] ap;
    private final float[] bp;

    GroupSums(TileKernel kern, int d) {
      this.kern = kern;
      this.d = d;
      this.mr = kern.mr();
      this.nr = kern.nr();
      this.jPanels = (d + nr - 1) / nr;
      this.bands = bands(jPanels, Parallel.threads());
      this.bandStart = new int[bands + 1];
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
      this.paddedD = jPanels * nr;
      this.aPanelsAll = (paddedD + mr - 1) / mr;
      // Per band, a float64 accumulator in micro-tile order: block (jp, ip) for ip < ipEnd(jp), so
      // each micro-kernel call adds its tile into mr*nr consecutive doubles (no scattered writes).
      this.sums = new double[bands][];
      this.blockBase = new int[jPanels];
      for (int t = 0; t < bands; t++) {
        long size = 0;
        for (int jp = bandStart[t]; jp < bandStart[t + 1]; jp++) {
          blockBase[jp] = Math.toIntExact(size);
          size += (long) ipEnd(jp, nr, mr, aPanelsAll) * mr * nr;
        }
        sums[t] = new double[Math.toIntExact(size)];
      }
      // The group's rows, centred and packed once for all bands: chunk q as A panels at
      // ap[q * CHUNK * aCols ...] and as B panels at bp[q * CHUNK * paddedD ...].
      this.aCols = aPanelsAll * mr;
      this.ap = new float[CanonicalSums.GROUP_ROWS * aCols];
      this.bp = new float[CanonicalSums.GROUP_ROWS * paddedD];
    }

    double[] partial(EmbeddingMatrix w, double[] mean, int g0, int g1, ProgressListener progress) {
      if (g1 - g0 > CanonicalSums.GROUP_ROWS || g1 < g0) {
        throw new IllegalArgumentException("rows [" + g0 + ", " + g1 + ") are not one group");
      }
      int kc = CanonicalSums.CHUNK_ROWS;
      int chunks = (g1 - g0 + kc - 1) / kc;
      for (double[] a : sums) {
        java.util.Arrays.fill(a, 0.0);
      }
      Parallel.run(
          "covariance",
          chunks,
          0,
          () -> new float[Math.max(aCols, paddedD)],
          (row, q) -> {
            int r0 = g0 + q * kc;
            int rows = Math.min(kc, g1 - r0);
            pack(w, mean, r0, rows, d, mr, aCols, ap, q * kc * aCols, row);
            pack(w, mean, r0, rows, d, nr, paddedD, bp, q * kc * paddedD, row);
            return 0;
          },
          Parallel.silent(progress));
      int icPanels = Math.max(1, TileKernel.IC / mr);
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
              int rows = Math.min(kc, g1 - (g0 + q * kc));
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
          progress);
      double[] packed = new double[CanonicalSums.packedLength(d)];
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
                  // packed row-major upper triangle: row i starts at i*d - i*(i-1)/2
                  packed[i * d - i * (i - 1) / 2 + (j - i)] = sums[t][o + r * nr + q];
                }
              }
            }
          }
        }
      }
      return packed;
    }
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
        row[col] = (float) (src[so + col] - mean[col]);
      }
      int o = off + k * panelCols;
      for (int col = 0; col < cols; col += panelCols, o += stride) {
        System.arraycopy(row, col, dst, o, panelCols);
      }
    }
  }
}
