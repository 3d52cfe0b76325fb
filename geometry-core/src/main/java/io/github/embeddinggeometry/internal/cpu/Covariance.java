package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.Parallel;
import io.github.embeddinggeometry.internal.kernel.TileKernel;
import java.util.Arrays;

/**
 * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)}, d x d, in double: a symmetric rank-k
 * update (SYRK) on the float32 micro-kernel, upper triangle only.
 *
 * <p><b>Summation order</b> (fixed; the result is bitwise the same for any number of threads, any
 * cache blocking and any micro-tile shape, given the same FMA choice). The centred rows, scaled by
 * a power of two (below), are rounded to float32. Rows are cut into <em>chunks</em> of {@link
 * #CHUNK_ROWS} = 256 consecutive rows and <em>groups</em> of {@link #GROUP_ROWS} = 1024 rows (four
 * chunks), both aligned to row 0. For every entry (i, j):
 *
 * <ol>
 *   <li>a chunk's product {@code P_q(i, j)} is the float32 sum over the chunk's rows in row order,
 *       as the micro-kernel forms it (one rounding per multiply-add);
 *   <li>a group's partial {@code S_g(i, j) = ((0 + P_q0) + P_q1) + ...} is summed in float64 over
 *       its chunks in row order;
 *   <li>{@code C(i, j) = ((0 + S_0) + S_1) + ...} in float64 over the groups in row order, then
 *       times {@code 2^(2e) / N}.
 * </ol>
 *
 * So the float32 rounding error does not grow with N (each float32 sum has at most 256 terms), and
 * float64 accumulation happens once per chunk and entry, not per product. A group's partial is
 * computed by {@link #addGroup} alone, so a job that holds groups on different machines (Spark) can
 * compute each {@code S_g} apart and add them in group order with {@link Sums#add}, getting the
 * same bits.
 *
 * <p><b>Scaled domain.</b> The centred rows are multiplied by {@code 2^-e}, the power of two that
 * brings the largest centred magnitude into [1, 2) ({@link #exponent}): exact, so float32 products
 * neither overflow for rows of 1e30 nor underflow for rows of 1e-41 or rows that barely differ from
 * the mean; C comes back by {@code 2^(2e)}, also exactly.
 *
 * <p><b>Blocking.</b> The triangle is cut into blocks of about 128 x 128 entries (sized to L2);
 * each block is one task per group: its group partial stays in L2 over the group's four chunks
 * while B micro-panels are reused from L1 across the block's A panels, then it is added into the
 * block's running sum. The group's rows are centred and packed once (A panels mr wide, B panels nr
 * wide, per chunk) for all blocks.
 */
final class Covariance {
  /** Rows per float32 product: the length of every float32 sum. */
  static final int CHUNK_ROWS = 256;

  /** Rows per group partial (a multiple of {@link #CHUNK_ROWS}). */
  static final int GROUP_ROWS = 1024;

  /** Columns per block of the triangle (rounded to whole panels). */
  private static final int BLOCK_COLS = 128;

  private Covariance() {}

  static double[] compute(
      TileKernel kern, EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    int n = w.rows();
    int exp = exponent(w, mean);
    Sums total = new Sums(kern, w.dim());
    Sums partial = new Sums(kern, w.dim());
    for (int g0 = 0; g0 < n; g0 += GROUP_ROWS) {
      int g1 = Math.min(n, g0 + GROUP_ROWS);
      addGroup(kern, w, g0, g1, mean, exp, total, partial);
      progress.progress("covariance", g1, n);
      ProgressListener.checkCancelled(progress);
    }
    return total.matrix(n, exp);
  }

  /**
   * The float64 sums of one layout: the upper triangle of d x d in blocks, each block's micro-tiles
   * in order (so a micro-kernel adds its tile into {@code mr * nr} consecutive doubles). Entries of
   * the lower triangle inside diagonal tiles are computed too and ignored.
   */
  static final class Sums {
    final int d;
    final int mr;
    final int nr;

    /** A panels per block row, B panels per block column. */
    final int ib;

    final int jb;

    /** Blocks: first A panel, A panel end, first B panel, B panel end, offset into data. */
    final int[][] blocks;

    final double[] data;

    /** Packed rows of a group, when this is the scratch of {@link #addGroup}. */
    float[] ap;

    float[] bp;

    Sums(TileKernel kern, int d) {
      this.d = d;
      this.mr = kern.mr();
      this.nr = kern.nr();
      // Square-ish blocks of BLOCK_COLS: a partial of 128 KiB, a quarter of a 512 KiB L2. Fixed,
      // not fitted to this machine, so that sums computed on different machines share a layout.
      this.jb = Math.max(1, BLOCK_COLS / nr);
      this.ib = Math.max(1, (jb * nr + mr - 1) / mr);
      int jPanels = (d + nr - 1) / nr;
      int aPanelsAll = aPanels(d, mr, nr);
      java.util.List<int[]> list = new java.util.ArrayList<>();
      long size = 0;
      for (int j0 = 0; j0 < jPanels; j0 += jb) {
        int j1 = Math.min(jPanels, j0 + jb);
        int lastCol = j1 * nr - 1;
        for (int i0 = 0; i0 < aPanelsAll && i0 * mr <= lastCol; i0 += ib) {
          int i1 = Math.min(aPanelsAll, i0 + ib);
          list.add(new int[] {i0, i1, j0, j1, Math.toIntExact(size)});
          size += (long) tiles(i0, i1, j0, j1) * mr * nr;
        }
      }
      this.blocks = list.toArray(new int[0][]);
      this.data = new double[Math.toIntExact(size)];
    }

    /** A panels whose first column {@code ip * mr} is at most the last column of B panel jp. */
    int ipEnd(int jp, int i0, int i1) {
      return Math.max(i0, Math.min(i1, (jp * nr + nr - 1) / mr + 1));
    }

    int tiles(int i0, int i1, int j0, int j1) {
      int t = 0;
      for (int jp = j0; jp < j1; jp++) {
        t += ipEnd(jp, i0, i1) - i0;
      }
      return t;
    }

    int blockSize(int[] b) {
      return tiles(b[0], b[1], b[2], b[3]) * mr * nr;
    }

    /** {@code this += other}, entry by entry (the same layout). */
    void add(Sums other) {
      if (other.d != d || other.data.length != data.length || other.mr != mr || other.nr != nr) {
        throw new IllegalArgumentException("different layouts");
      }
      for (int i = 0; i < data.length; i++) {
        data[i] += other.data[i];
      }
    }

    /** The full symmetric d x d matrix {@code sums * 2^(2 exponent) / n}. */
    double[] matrix(long n, int exponent) {
      double[] c = new double[d * d];
      double inv = 1.0 / n;
      for (int[] b : blocks) {
        int o = b[4];
        for (int jp = b[2]; jp < b[3]; jp++) {
          int ipEnd = ipEnd(jp, b[0], b[1]);
          for (int ip = b[0]; ip < ipEnd; ip++, o += mr * nr) {
            for (int r = 0; r < mr; r++) {
              int i = ip * mr + r;
              for (int q = 0; q < nr; q++) {
                int j = jp * nr + q;
                if (i <= j && j < d) {
                  double v = Math.scalb(data[o + r * nr + q] * inv, 2 * exponent);
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
  }

  /** A panels covering the columns, padded to whole B panels. */
  private static int aPanels(int d, int mr, int nr) {
    int paddedD = (d + nr - 1) / nr * nr;
    return (paddedD + mr - 1) / mr;
  }

  /**
   * Adds the partial {@code S_g} of rows {@code [from, to)} (one group: at most {@link #GROUP_ROWS}
   * rows, starting at a multiple of it in the whole matrix) into {@code total}: {@code S_g} is
   * summed from zero over the group's chunks, then added entry by entry. The chunk boundaries are
   * counted from {@code from}.
   *
   * @param exponent the scaled domain's exponent, {@link #exponent} of the whole matrix
   * @param scratch a {@link Sums} of the same layout, overwritten (its content is {@code S_g}
   *     after)
   */
  static void addGroup(
      TileKernel kern,
      EmbeddingMatrix w,
      int from,
      int to,
      double[] mean,
      int exponent,
      Sums total,
      Sums scratch) {
    if (to - from > GROUP_ROWS || to <= from) {
      throw new IllegalArgumentException("a group has 1 to " + GROUP_ROWS + " rows: " + from);
    }
    int d = w.dim();
    int mr = kern.mr();
    int nr = kern.nr();
    double scale = Math.scalb(1.0, -exponent);
    int paddedD = (d + nr - 1) / nr * nr;
    int aCols = aPanels(d, mr, nr) * mr;
    int chunks = (to - from + CHUNK_ROWS - 1) / CHUNK_ROWS;
    // The group's rows, centred and packed once for all blocks: chunk q as A panels at
    // ap[q * CHUNK_ROWS * aCols ...] and as B panels at bp[q * CHUNK_ROWS * paddedD ...].
    if (scratch.ap == null || scratch.ap.length < GROUP_ROWS * aCols) {
      scratch.ap = new float[GROUP_ROWS * aCols];
      scratch.bp = new float[GROUP_ROWS * paddedD];
    }
    float[] ap = scratch.ap;
    float[] bp = scratch.bp;
    Parallel.run(
        "covariance",
        chunks,
        0,
        () -> new float[Math.max(aCols, paddedD)],
        (row, q) -> {
          int r0 = from + q * CHUNK_ROWS;
          int rows = Math.min(CHUNK_ROWS, to - r0);
          pack(w, mean, scale, r0, rows, d, mr, aCols, ap, q * CHUNK_ROWS * aCols, row);
          pack(w, mean, scale, r0, rows, d, nr, paddedD, bp, q * CHUNK_ROWS * paddedD, row);
          return 0;
        },
        ProgressListener.NONE);
    double[] part = scratch.data;
    double[] sum = total.data;
    Parallel.run(
        "covariance",
        total.blocks.length,
        0,
        () -> new float[mr * nr],
        (tile, t) -> {
          int[] b = total.blocks[t];
          int o0 = b[4];
          int size = total.blockSize(b);
          Arrays.fill(part, o0, o0 + size, 0.0);
          for (int q = 0; q < chunks; q++) {
            int rows = Math.min(CHUNK_ROWS, to - (from + q * CHUNK_ROWS));
            int aBase = q * CHUNK_ROWS * aCols;
            int bBase = q * CHUNK_ROWS * paddedD;
            int o = o0;
            for (int jp = b[2]; jp < b[3]; jp++) {
              int ipEnd = total.ipEnd(jp, b[0], b[1]);
              int bOff = bBase + jp * rows * nr;
              for (int ip = b[0]; ip < ipEnd; ip++, o += mr * nr) {
                kern.microAddDouble(ap, aBase + ip * rows * mr, bp, bOff, rows, part, o, tile);
              }
            }
          }
          for (int i = o0; i < o0 + size; i++) {
            sum[i] += part[i];
          }
          return 0;
        },
        ProgressListener.NONE);
  }

  /**
   * The exponent that brings the largest centred magnitude {@code max |w_ij - mu_j|} into [1, 2); 0
   * when every row equals the mean. The largest magnitude of a column lies at its smallest or its
   * largest value, so one pass keeps per-column extremes (a loop the JIT vectorises) and the
   * differences are taken once per column, in double as the packing takes them.
   */
  static int exponent(EmbeddingMatrix w, double[] mean) {
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
        () -> new float[2 * d],
        (ext, t) -> {
          int to = Math.min(n, (t + 1) * chunk);
          int o = w.rowOffsetInt(t * chunk);
          System.arraycopy(src, o, ext, 0, d);
          System.arraycopy(src, o, ext, d, d);
          for (int r = t * chunk + 1; r < to; r++) {
            o = w.rowOffsetInt(r);
            for (int c = 0; c < d; c++) {
              float v = src[o + c];
              ext[c] = Math.min(ext[c], v);
              ext[d + c] = Math.max(ext[d + c], v);
            }
          }
          double max = 0;
          for (int c = 0; c < d; c++) {
            max = Math.max(max, Math.max(mean[c] - ext[c], ext[d + c] - mean[c]));
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
