package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;

/**
 * The biased covariance {@code C = (1/N) (W - mu)^T (W - mu)}, d x d, in double, in the summation
 * order of {@link CanonicalSums} (groups of 4,096 rows, pairwise tree over groups), so a
 * distributed run gives the same bits.
 *
 * <p>Within a group ({@link GroupSums}), rows are centred in double and rounded to float32, then
 * taken in chunks of {@link CanonicalSums#CHUNK_ROWS} rows: each chunk's product {@code X^T X} is
 * formed by the float32 micro-kernel (sums of at most 256 terms) and added into the group's float64
 * accumulator, so the rounding error does not grow with N. A row that carries a large share of its
 * chunk's centred energy ({@link #HEAVY_SHARE}) is left out of the float32 product and its outer
 * product added in double after the window's chunks, so one huge row cannot round away the small
 * rows' contributions. Only the upper triangle is computed (in column bands of roughly equal work,
 * one task per band, so the threads never write the same entry). The accumulators are kept in
 * micro-tile order, so adding a tile touches consecutive memory; a finished group is copied out as
 * a packed upper triangle. The result is the same on every run and with any number of threads.
 *
 * <p><b>Scaled domain.</b> A group's centred rows are multiplied by {@code 2^-e}, the power of two
 * that brings the group's largest centred magnitude into [1, 2) ({@link #exponent}): exact, so the
 * float32 products neither overflow for rows of 1e30 nor underflow for subnormal rows or rows that
 * barely differ from the mean. The group's float64 sums are multiplied back by {@code 2^(2e)}
 * before they enter the tree, also exactly (squares of float32 values lie well inside double's
 * range). The exponent depends on the group's rows only, so a distributed run agrees without an
 * extra pass.
 */
final class Covariance {
  private Covariance() {}

  static double[] compute(
      TileKernel kern, EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    int d = w.dim();
    int n = w.rows();
    int groups = CanonicalSums.groups(n);
    GroupSums sums = new GroupSums(kern, d);
    // Partials stay in micro-tile order (adding is elementwise, so the layout does not change a
    // bit of the result). Complete sibling pairs are merged at once, binary-counter style: group
    // g closes as many tree levels as g has trailing one bits, and those additions run inside the
    // group's own band tasks, on memory the tasks just wrote. Absorbed arrays are reused.
    java.util.ArrayDeque<double[]> spare = new java.util.ArrayDeque<>();
    java.util.ArrayList<double[]> stack = new java.util.ArrayList<>();
    java.util.ArrayList<int[]> where = new java.util.ArrayList<>(); // {level, index}
    for (int g = 0; g < groups; g++) {
      int g0 = g * CanonicalSums.GROUP_ROWS;
      int g1 = Math.min(n, g0 + CanonicalSums.GROUP_ROWS);
      int carries = Integer.numberOfTrailingZeros(~g);
      double[][] carry = new double[carries][];
      for (int c = 0; c < carries; c++) {
        carry[c] = stack.get(stack.size() - 1 - c);
      }
      double[] into = spare.isEmpty() ? sums.newAccumulator() : spare.pop();
      sums.partial(w, mean, g0, g1, Parallel.offset(progress, g0, n), into, carry);
      for (int c = 0; c < carries; c++) {
        spare.push(stack.remove(stack.size() - 1));
        where.remove(where.size() - 1);
      }
      stack.add(into);
      where.add(new int[] {carries, g >>> carries});
      progress.progress("covariance", g1, n);
    }
    CanonicalSums.Nodes tree = new CanonicalSums.Nodes(Math.max(1, groups));
    for (int t = 0; t < stack.size(); t++) {
      tree.addNode(where.get(t)[0], where.get(t)[1], stack.get(t));
    }
    if (groups == 0) {
      tree.addLeaf(0, sums.newAccumulator());
    }
    return CanonicalSums.covariance(sums.packed(tree.root()), d, n);
  }

  /**
   * The float64 partial sums of one group of rows, into an accumulator in micro-tile order (block
   * {@code (jp, ip)} for every B panel jp of the upper triangle, so each micro-kernel call adds its
   * tile into mr*nr consecutive doubles); {@link #packed} turns one into the canonical packed upper
   * triangle. The layout depends on the kernel's mr and nr only, not on the thread count. Buffers
   * are reused from group to group. Uses the calling thread and the library pool: threads own
   * column bands of roughly equal work and never write the same entry.
   */
  static final class GroupSums {
    /** Rows packed at a time: a group is taken in windows, its sums carry on across them. */
    private static final int WINDOW_ROWS = 1024;

    /** {@code backExponent} of a window that is not its group's last. */
    private static final int NOT_LAST = Integer.MIN_VALUE;

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
    private final int size;
    private final float[] ap;
    private final float[] bp;

    /**
     * Per chunk of the current window: its heavy rows' centred, scaled values in double ({@code
     * HEAVY_SHARE} rows of d at most, allocated on first use), how many, and which rows.
     */
    private final double[][] heavyValues = new double[WINDOW_ROWS / CanonicalSums.CHUNK_ROWS][];

    private final int[] heavyCount = new int[WINDOW_ROWS / CanonicalSums.CHUNK_ROWS];
    private final boolean[][] heavyRow =
        new boolean[WINDOW_ROWS / CanonicalSums.CHUNK_ROWS][CanonicalSums.CHUNK_ROWS];

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
      this.blockBase = new int[jPanels];
      long total = 0;
      for (int jp = 0; jp < jPanels; jp++) {
        blockBase[jp] = Math.toIntExact(total);
        total += (long) ipEnd(jp, nr, mr, aPanelsAll) * mr * nr;
      }
      this.size = Math.toIntExact(total);
      // The group's rows, centred and packed once for all bands: chunk q as A panels at
      // ap[q * CHUNK * aCols ...] and as B panels at bp[q * CHUNK * paddedD ...].
      this.aCols = aPanelsAll * mr;
      this.ap = new float[WINDOW_ROWS * aCols];
      this.bp = new float[WINDOW_ROWS * paddedD];
    }

    double[] newAccumulator() {
      return new double[size];
    }

    /**
     * Writes the partial of rows {@code [g0, g1)} (at most one group) into {@code into}, whatever
     * it held: the first chunk's tile is stored as {@code 0.0 + tile} (the sum from 0), the next
     * ones added.
     */
    void partial(
        EmbeddingMatrix w,
        double[] mean,
        int g0,
        int g1,
        ProgressListener progress,
        double[] into) {
      if (g1 - g0 > CanonicalSums.GROUP_ROWS || g1 < g0) {
        throw new IllegalArgumentException("rows [" + g0 + ", " + g1 + ") are not one group");
      }
      partial(w, mean, g0, g1, progress, into, new double[0][]);
    }

    /**
     * As above, then adds the {@code carry} arrays (lower tree levels first) into {@code into},
     * each band task its own region: the tree merges that this group completes.
     */
    void partial(
        EmbeddingMatrix w,
        double[] mean,
        int g0,
        int g1,
        ProgressListener progress,
        double[] into,
        double[][] carry) {
      if (g1 == g0) {
        java.util.Arrays.fill(into, 0.0);
        for (double[] c : carry) {
          for (int e = 0; e < into.length; e++) {
            into[e] += c[e];
          }
        }
        return;
      }
      // The group's own scaled domain (see the class comment): exact, and local to the group, so
      // a distributed run needs no extra pass to agree on it.
      int exp = exponent(w, mean, g0, g1);
      double scale = Math.scalb(1.0, -exp);
      for (int w0 = g0; w0 < g1; w0 += WINDOW_ROWS) {
        int w1 = Math.min(g1, w0 + WINDOW_ROWS);
        window(
            w,
            mean,
            scale,
            w0,
            w1,
            w0 == g0,
            w1 == g1 ? 2 * exp : NOT_LAST,
            progress,
            into,
            w1 == g1 ? carry : new double[0][]);
      }
    }

    /**
     * Rows {@code [g0, g1)} of a group, chunk by chunk; {@code start}: its first window; {@code
     * backExponent}: in the group's last window, the power of two that takes its sums out of the
     * scaled domain before the carries are added ({@link #NOT_LAST} in the others).
     */
    private void window(
        EmbeddingMatrix w,
        double[] mean,
        double scale,
        int g0,
        int g1,
        boolean start,
        int backExponent,
        ProgressListener progress,
        double[] into,
        double[][] carry) {
      int kc = CanonicalSums.CHUNK_ROWS;
      int chunks = (g1 - g0 + kc - 1) / kc;
      Parallel.run(
          "covariance",
          chunks,
          0,
          () -> new float[Math.max(aCols, paddedD)],
          (row, q) -> {
            int r0 = g0 + q * kc;
            heavyCount[q] = packChunk(w, mean, scale, r0, Math.min(kc, g1 - r0), q, row);
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
            int block = mr * nr;
            int ipMax = ipEnd(jp1 - 1, nr, mr, aPanelsAll);
            int lo = blockBase[jp0];
            int hi = jp1 == jPanels ? size : blockBase[jp1];
            if (start) {
              // the sum from 0: 0.0 + tile, as every later chunk adds its tile
              java.util.Arrays.fill(into, lo, hi, 0.0);
            }
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
                    kern.microAddDouble(ap, aBase + ip * rows * mr, bp, bOff, rows, into, o, tile);
                  }
                }
              }
            }
            addHeavy(into, jp0, jp1, chunks);
            if (backExponent != NOT_LAST) {
              scaleBack(into, lo, hi, backExponent);
            }
            for (double[] c : carry) {
              for (int e = lo; e < hi; e++) {
                into[e] += c[e];
              }
            }
            return 0;
          },
          progress);
    }

    /**
     * Centres and scales rows {@code [r0, r0 + rows)} (chunk {@code q} of the window) once each and
     * packs them as A panels at {@code ap[q * CHUNK * aCols]} and as B panels at {@code bp[q *
     * CHUNK * paddedD]}, depth-major: column {@code p * panelCols + r} of row {@code r0 + k} at
     * {@code p * rows * panelCols + k * panelCols + r}, zero past d. Then marks the chunk's heavy
     * rows in {@code heavyRow[q]}, keeps their centred, scaled values in double, packs them as
     * zeros (their products are summed in double instead) and returns how many. A row is heavy when
     * its share of the chunk's centred energy {@code sum_j (w_ij - mu_j)^2} is at least {@code 1 /
     * HEAVY_SHARE}, so a chunk has at most {@code HEAVY_SHARE} of them.
     *
     * @param row scratch of at least {@code max(aCols, paddedD)} floats
     */
    private int packChunk(
        EmbeddingMatrix w, double[] mean, double scale, int r0, int rows, int q, float[] row) {
      float[] src = w.backingArray();
      int aOff = q * CanonicalSums.CHUNK_ROWS * aCols;
      int bOff = q * CanonicalSums.CHUNK_ROWS * paddedD;
      for (int col = d; col < Math.max(aCols, paddedD); col++) {
        row[col] = 0f;
      }
      double[] energy = new double[rows];
      double total = 0;
      for (int k = 0; k < rows; k++) {
        int so = w.rowOffsetInt(r0 + k);
        // four chains so the additions do not wait on each other; the order is fixed, so is the
        // decision
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int col = 0;
        for (; col + 3 < d; col += 4) {
          double t0 = (src[so + col] - mean[col]) * scale;
          double t1 = (src[so + col + 1] - mean[col + 1]) * scale;
          double t2 = (src[so + col + 2] - mean[col + 2]) * scale;
          double t3 = (src[so + col + 3] - mean[col + 3]) * scale;
          row[col] = (float) t0;
          row[col + 1] = (float) t1;
          row[col + 2] = (float) t2;
          row[col + 3] = (float) t3;
          s0 += t0 * t0;
          s1 += t1 * t1;
          s2 += t2 * t2;
          s3 += t3 * t3;
        }
        for (; col < d; col++) {
          double t = (src[so + col] - mean[col]) * scale;
          row[col] = (float) t;
          s0 += t * t;
        }
        energy[k] = (s0 + s1) + (s2 + s3);
        total += energy[k];
        scatter(row, k, rows, mr, aCols, ap, aOff);
        scatter(row, k, rows, nr, paddedD, bp, bOff);
      }
      boolean[] heavy = heavyRow[q];
      java.util.Arrays.fill(row, 0, d, 0f);
      int count = 0;
      for (int k = 0; k < rows; k++) {
        heavy[k] = energy[k] > 0 && energy[k] * HEAVY_SHARE >= total;
        if (heavy[k]) {
          if (heavyValues[q] == null) {
            heavyValues[q] = new double[HEAVY_SHARE * d];
          }
          int so = w.rowOffsetInt(r0 + k);
          for (int col = 0; col < d; col++) {
            heavyValues[q][count * d + col] = (src[so + col] - mean[col]) * scale;
          }
          scatter(row, k, rows, mr, aCols, ap, aOff);
          scatter(row, k, rows, nr, paddedD, bp, bOff);
          count++;
        }
      }
      return count;
    }

    /**
     * Adds the outer products of the window's heavy rows into the entries of B panels {@code [jp0,
     * jp1)}, in double: for each entry, the rows in row order after the window's float32 chunks.
     */
    private void addHeavy(double[] into, int jp0, int jp1, int chunks) {
      int any = 0;
      for (int q = 0; q < chunks; q++) {
        any += heavyCount[q];
      }
      if (any == 0) {
        return;
      }
      int block = mr * nr;
      for (int jp = jp0; jp < jp1; jp++) {
        int ipEnd = ipEnd(jp, nr, mr, aPanelsAll);
        for (int ip = 0; ip < ipEnd; ip++) {
          int o = blockBase[jp] + ip * block;
          for (int r = 0; r < mr; r++) {
            int i = ip * mr + r;
            if (i >= d) {
              break;
            }
            // Row by row, so each entry still gets its heavy products in row order; the inner
            // loop runs along the tile's nr consecutive entries, which the JIT vectorises.
            // Entries left of the diagonal are summed too and never read (see packed).
            int jd = Math.min(nr, d - jp * nr);
            int t = o + r * nr;
            for (int q = 0; q < chunks; q++) {
              double[] v = heavyValues[q];
              for (int h = 0; h < heavyCount[q]; h++) {
                double a = v[h * d + i];
                int b = h * d + jp * nr;
                for (int c = 0; c < jd; c++) {
                  into[t + c] += a * v[b + c];
                }
              }
            }
          }
        }
      }
    }

    /** An accumulator as the canonical packed upper triangle (row-major, {@code i <= j}). */
    double[] packed(double[] sums) {
      double[] packed = new double[CanonicalSums.packedLength(d)];
      for (int jp = 0; jp < jPanels; jp++) {
        int ipEnd = ipEnd(jp, nr, mr, aPanelsAll);
        int o = blockBase[jp];
        for (int ip = 0; ip < ipEnd; ip++, o += mr * nr) {
          for (int r = 0; r < mr; r++) {
            int i = ip * mr + r;
            for (int q = 0; q < nr; q++) {
              int j = jp * nr + q;
              if (i <= j && j < d) {
                // row i of the packed triangle starts at i*d - i*(i-1)/2
                packed[i * d - i * (i - 1) / 2 + (j - i)] = sums[o + r * nr + q];
              }
            }
          }
        }
      }
      return packed;
    }
  }

  /**
   * The exponent that brings the largest centred magnitude {@code max |w_ij - mu_j|} into [1, 2); 0
   * when every row equals the mean. The largest magnitude of a column lies at its smallest or its
   * largest value, so one pass keeps per-column extremes (a loop the JIT vectorises) and the
   * differences are taken once per column, in double as the packing takes them.
   */
  static int exponent(EmbeddingMatrix w, double[] mean, int g0, int g1) {
    int n = g1 - g0;
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
          int to = g0 + Math.min(n, (t + 1) * chunk);
          int o = w.rowOffsetInt(g0 + t * chunk);
          System.arraycopy(src, o, ext, 0, d);
          System.arraycopy(src, o, ext, d, d);
          for (int r = g0 + t * chunk + 1; r < to; r++) {
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
   * {@code a[e] = Math.scalb(a[e], exp)} for {@code e} in {@code [lo, hi)}. Math.scalb is defined
   * as one correctly rounded multiplication by {@code 2^exp}, so where that power is a normal
   * double a multiplication gives the same bits at a fraction of the cost (measured 3% of a
   * covariance).
   */
  static void scaleBack(double[] a, int lo, int hi, int exp) {
    if (exp >= Double.MIN_EXPONENT && exp <= Double.MAX_EXPONENT) {
      double f = Math.scalb(1.0, exp);
      for (int e = lo; e < hi; e++) {
        a[e] *= f;
      }
    } else {
      for (int e = lo; e < hi; e++) {
        a[e] = Math.scalb(a[e], exp);
      }
    }
  }

  /**
   * A row carrying at least {@code 1/HEAVY_SHARE} of its chunk's centred energy is summed in double
   * instead of by the float32 micro-kernel. The float32 sum of a chunk rounds each step to the
   * running sum, so a row far larger than the others would make every later addition lose the small
   * rows' bits (about 1.5e-6 of the largest entry with three rows of 1e30 among 60, 8e-9 with them
   * in double). At most 16 rows of a chunk take this path, and in an ordinary chunk of 256 a row
   * would need 16 times the mean energy: none of the benchmark's low-rank 151,936 x 2,560 matrix
   * does. (A share of 1/64 picked about one row in a hundred there and cost 40% more time.)
   */
  static final int HEAVY_SHARE = 16;

  /** A panels holding columns {@code i <=} the last column of B panel {@code jp}. */
  private static int ipEnd(int jp, int nr, int mr, int aPanelsAll) {
    return Math.min(aPanelsAll, (jp * nr + nr + mr - 1) / mr);
  }

  private static int bands(int jPanels, int threads) {
    return Math.max(1, Math.min(jPanels, threads == 1 ? 1 : 3 * threads));
  }

  /**
   * Row {@code k} of a chunk of {@code rows} rows into its panels of {@code panelCols} columns:
   * {@code dst[off + p*rows*panelCols + k*panelCols + r] = row[p*panelCols + r]} for the {@code
   * cols / panelCols} panels.
   */
  private static void scatter(
      float[] row, int k, int rows, int panelCols, int cols, float[] dst, int off) {
    int stride = rows * panelCols;
    int o = off + k * panelCols;
    for (int col = 0; col < cols; col += panelCols, o += stride) {
      System.arraycopy(row, col, dst, o, panelCols);
    }
  }
}
