package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import java.util.Arrays;

/**
 * The float64 products of the eigensolver, {@code C += A B^T}, on {@link TileKernel#microDouble}.
 *
 * <p>Both operands are packed whole before the product (full-depth micro-panels, zero-padded to the
 * panel width), so a tile of C is nothing but micro-kernel calls, and the packed copy doubles as
 * the saved input when C overwrites the storage A came from (the divide-and-conquer merge).
 *
 * <p>Every element of C receives the same sequence of operations wherever it lies: depth blocks of
 * {@link #KC} in ascending order, each a sequential sum inside the micro-kernel, added to the
 * current C. Edge blocks go through a scratch copy of C with identical arithmetic. So the result
 * does not depend on the tiling, on which thread ran a tile, or on the number of threads.
 */
final class Gemm {
  /** Depth of one cache block; fixed, because it fixes the summation order. */
  static final int KC = 256;

  /**
   * Below this many multiply-adds (some 0.1 ms) a product runs on the calling thread only: handing
   * tiles to the pool costs more than it saves.
   */
  private static final long PARALLEL_FLOPS = 1L << 21;

  private Gemm() {}

  /**
   * A matrix read as rows of an operand: element {@code (r, k)} is row r (a row of A, or a column
   * of B), depth k.
   */
  interface Operand {
    /**
     * Writes rows {@code [r0, r0 + rows)} over depth {@code [0, depth)} depth-major into {@code
     * dst[off + k * width + rr]}, zero for {@code rr >= rows}.
     */
    void pack(double[] dst, int off, int width, int r0, int rows, int depth);
  }

  /**
   * {@code (r, k) = scale * src[off + k * ld + r]}: depth is the slow index (rows of a row-major
   * array hold one depth index each). When {@code second} is not null, depth {@code [split, depth)}
   * reads {@code second} the same way from {@code off2}/{@code ld2} (depth counted from split).
   */
  static Operand depthMajor(double[] src, int off, int ld, double scale) {
    return depthMajor(src, off, ld, scale, Integer.MAX_VALUE, null, 0, 0);
  }

  static Operand depthMajor(
      double[] src, int off, int ld, double scale, int split, double[] second, int off2, int ld2) {
    return (dst, o, width, r0, rows, depth) -> {
      // Plain loops: a System.arraycopy per panel row costs more than the copy at these widths.
      for (int k = 0; k < depth; k++) {
        int d = o + k * width;
        double[] from = k < split ? src : second;
        int s = k < split ? off + k * ld + r0 : off2 + (k - split) * ld2 + r0;
        for (int rr = 0; rr < rows; rr++) {
          dst[d + rr] = scale * from[s + rr];
        }
        for (int rr = rows; rr < width; rr++) {
          dst[d + rr] = 0.0;
        }
      }
    };
  }

  /**
   * {@code (r, k) = src[off + r * ld + (cols == null ? k : cols[k])]}: depth is the fast index of a
   * row-major array, optionally through a gather of columns.
   */
  static Operand rowMajor(double[] src, int off, int ld, int[] cols) {
    return (dst, o, width, r0, rows, depth) -> {
      for (int rr = 0; rr < rows; rr++) {
        int s = off + (r0 + rr) * ld;
        int d = o + rr;
        if (cols == null) {
          for (int k = 0; k < depth; k++) {
            dst[d + k * width] = src[s + k];
          }
        } else {
          for (int k = 0; k < depth; k++) {
            dst[d + k * width] = src[s + cols[k]];
          }
        }
      }
      for (int rr = rows; rr < width; rr++) {
        for (int k = 0; k < depth; k++) {
          dst[o + rr + k * width] = 0.0;
        }
      }
    };
  }

  /** Number of doubles that {@link #pack} writes for {@code rows} rows. */
  static int packedLength(int rows, int depth, int width) {
    return Math.multiplyExact((rows + width - 1) / width * width, depth);
  }

  /**
   * Packs all rows into panels of {@code width}, panel p at {@code dst[off + p * depth * width]}.
   */
  static void pack(Operand op, int rows, int depth, int width, double[] dst, int off) {
    for (int p = 0, r0 = 0; r0 < rows; p++, r0 += width) {
      op.pack(dst, off + p * depth * width, width, r0, Math.min(width, rows - r0), depth);
    }
  }

  /** As {@link #pack}, with the panels spread over threads (same result). */
  static void packParallel(
      Operand op, int rows, int depth, int width, double[] dst, int off, ProgressListener cancel) {
    int panels = (rows + width - 1) / width;
    int per = Math.max(1, 16384 / Math.max(1, depth * width));
    int tiles = (panels + per - 1) / per;
    if (tiles <= 1 || (long) rows * depth < PARALLEL_FLOPS) {
      pack(op, rows, depth, width, dst, off);
      return;
    }
    Parallel.run(
        "pack",
        tiles,
        tiles,
        () -> null,
        (s, t) -> {
          for (int p = t * per; p < Math.min(panels, (t + 1) * per); p++) {
            int r0 = p * width;
            op.pack(dst, off + p * depth * width, width, r0, Math.min(width, rows - r0), depth);
          }
          return 1;
        },
        cancel);
  }

  /** Packs into a new array sized for it. */
  static double[] packed(Operand op, int rows, int depth, int width, ProgressListener cancel) {
    double[] dst = new double[packedLength(rows, depth, width)];
    packParallel(op, rows, depth, width, dst, 0, cancel);
    return dst;
  }

  /** Which blocks of C to compute. */
  enum Shape {
    FULL,
    /** Only blocks that reach the upper triangle {@code col >= row} (they may spill below it). */
    UPPER
  }

  /**
   * {@code C[r][col] += sum_k A(r, k) B(col, k)} for {@code r < m, col < n}, with A and B packed by
   * {@link #pack} in panels of {@code mrDouble()} and {@code nrDouble()} rows, at {@code c[cOff + r
   * * ldc + col]}.
   *
   * @param parallel false runs on the calling thread (same result)
   */
  static void multiply(
      TileKernel kern,
      double[] ap,
      int aOff,
      int m,
      double[] bp,
      int bOff,
      int n,
      int depth,
      double[] c,
      int cOff,
      int ldc,
      Shape shape,
      boolean parallel,
      ProgressListener cancel) {
    multiply(
        kern,
        ap,
        aOff,
        m,
        bp,
        bOff,
        depth * kern.nrDouble(),
        n,
        depth,
        c,
        cOff,
        ldc,
        kern.nrDouble(),
        shape,
        parallel,
        cancel);
  }

  /**
   * As above, for B panels {@code bPanel} doubles apart (a panel may hold more depth than is used)
   * and C addressed by panels: element {@code (r, col)} at {@code c[cOff + r * ldc + (col / nr) *
   * cPanel + col % nr]}. Row-major C has {@code cPanel = nr}; C stored as column panels of width nr
   * (rows nr apart) has {@code ldc = nr} and {@code cPanel} = the panel size.
   */
  static void multiply(
      TileKernel kern,
      double[] ap,
      int aOff,
      int m,
      double[] bp,
      int bOff,
      int bPanel,
      int n,
      int depth,
      double[] c,
      int cOff,
      int ldc,
      int cPanel,
      Shape shape,
      boolean parallel,
      ProgressListener cancel) {
    if (m <= 0 || n <= 0 || depth <= 0) {
      return;
    }
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    int mb = mr * Math.max(1, 96 / mr);
    int nb = nr * Math.max(1, 192 / nr);
    int tileRows = (m + mb - 1) / mb;
    int tileCols = (n + nb - 1) / nb;
    int[] tiles = new int[tileRows * tileCols];
    int count = 0;
    for (int ti = 0; ti < tileRows; ti++) {
      for (int tj = 0; tj < tileCols; tj++) {
        if (shape == Shape.UPPER && (tj + 1) * nb <= ti * mb) {
          continue;
        }
        tiles[count++] = ti * tileCols + tj;
      }
    }
    int total = count;
    Parallel.Body<double[]> body =
        (tmp, t) -> {
          int ti = tiles[t] / tileCols;
          int tj = tiles[t] % tileCols;
          tile(
              kern,
              ap,
              aOff,
              m,
              bp,
              bOff,
              bPanel,
              n,
              depth,
              c,
              cOff,
              ldc,
              cPanel,
              shape,
              ti * mb,
              Math.min(m, (ti + 1) * mb),
              tj * nb,
              Math.min(n, (tj + 1) * nb),
              tmp);
          return 1;
        };
    if (!parallel || total == 1 || (long) m * n * depth < PARALLEL_FLOPS) {
      double[] tmp = new double[mr * nr];
      for (int t = 0; t < total; t++) {
        body.run(tmp, t);
      }
      return;
    }
    Parallel.run("gemm", total, total, () -> new double[mr * nr], body, cancel);
  }

  private static void tile(
      TileKernel kern,
      double[] ap,
      int aOff,
      int m,
      double[] bp,
      int bOff,
      int bPanel,
      int n,
      int depth,
      double[] c,
      int cOff,
      int ldc,
      int cPanel,
      Shape shape,
      int r0,
      int r1,
      int c0,
      int c1,
      double[] tmp) {
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    for (int k0 = 0; k0 < depth; k0 += KC) {
      int kc = Math.min(KC, depth - k0);
      for (int cb = c0; cb < c1; cb += nr) {
        int bo = bOff + (cb / nr) * bPanel + k0 * nr;
        int cols = Math.min(nr, n - cb);
        for (int rb = r0; rb < r1; rb += mr) {
          if (shape == Shape.UPPER && cb + nr <= rb) {
            continue;
          }
          int ao = aOff + (rb / mr) * depth * mr + k0 * mr;
          int rows = Math.min(mr, m - rb);
          int co = cOff + rb * ldc + (cb / nr) * cPanel;
          if (rows == mr && cols == nr) {
            kern.microDouble(ap, ao, bp, bo, kc, c, co, ldc);
          } else {
            Arrays.fill(tmp, 0.0);
            for (int rr = 0; rr < rows; rr++) {
              System.arraycopy(c, co + rr * ldc, tmp, rr * nr, cols);
            }
            kern.microDouble(ap, ao, bp, bo, kc, tmp, 0, nr);
            for (int rr = 0; rr < rows; rr++) {
              System.arraycopy(tmp, rr * nr, c, co + rr * ldc, cols);
            }
          }
        }
      }
    }
  }
}
