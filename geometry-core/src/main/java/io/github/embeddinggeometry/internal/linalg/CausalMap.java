package io.github.embeddinggeometry.internal.linalg;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;

/**
 * Maps rows w to {@code L^T w} for a lower-triangular L (the Cholesky factor of a causal metric
 * tensor): {@code out = W L}, a blocked float64 product on the {@link TileKernel#microDouble}
 * micro-kernel, rounded to float32 at the end. B panels are columns of L; the zero upper triangle
 * is skipped (the depth of column panel {@code j0} starts at {@code j0}), which halves the work.
 *
 * <p>Each output value is the sequential float64 sum over its depth, so it depends only on the row
 * and L, never on the row's position or the number of threads: bitwise-equal rows map to
 * bitwise-equal rows. {@link #norms} takes the Euclidean norms of the same float64 products, before
 * any rounding to float32.
 */
public final class CausalMap {
  private static final int MB = 96;
  private static final int KC = 128;

  private CausalMap() {}

  /**
   * A lower-triangular factor as {@code L = 2^exponent * normalised}, the largest |entry| of {@code
   * normalised} in [1, 2): the product then neither overflows nor underflows for any metric double
   * can hold (M = 1e-300 I maps rows by 1e-150, below float32's range), and its float64 steps give
   * the bits of the unscaled product, scaled, wherever that one stays in range.
   *
   * @param normalised row-major d x d; entries above the diagonal are ignored
   * @param exponent power of two that takes mapped rows and distances back to the metric's units
   */
  public record Factor(double[] normalised, int exponent) {
    /** Normalises {@code lower} (exact: a power of two). */
    public static Factor of(double[] lower) {
      double max = 0;
      for (double v : lower) {
        max = Math.max(max, Math.abs(v));
      }
      int e = binaryExponent(max);
      double[] n = new double[lower.length];
      for (int i = 0; i < n.length; i++) {
        n[i] = Math.scalb(lower[i], -e);
      }
      return new Factor(n, e);
    }
  }

  /**
   * The binary exponent of a finite {@code max >= 0}, subnormals included ({@link Math#getExponent}
   * says -1023 for all of them); 0 for 0.
   */
  public static int binaryExponent(double max) {
    if (max == 0) {
      return 0;
    }
    return max >= Double.MIN_NORMAL ? Math.getExponent(max) : Math.getExponent(max * 0x1p54) - 54;
  }

  /**
   * {@code L^T w} of every row, rounded once to float32 (overflowing to infinity or underflowing
   * where float32 cannot hold it; {@link #mapNormalised} keeps it in range).
   *
   * @param lower row-major d x d lower-triangular factor; entries above the diagonal are ignored
   * @return the mapped rows, contiguous, with the ids of {@code w}
   */
  public static EmbeddingMatrix map(
      TileKernel kern, EmbeddingMatrix w, double[] lower, ProgressListener progress) {
    Factor f = Factor.of(lower);
    return map(kern, w, f.normalised, f.exponent, progress);
  }

  /**
   * {@code 2^-f.exponent() L^T w}: the rows mapped by the normalised factor, in float32's range
   * whenever the rows are; causal distances are their Euclidean distances times {@code
   * 2^f.exponent()}.
   *
   * @return the mapped rows, contiguous, with the ids of {@code w}
   */
  public static EmbeddingMatrix mapNormalised(
      TileKernel kern, EmbeddingMatrix w, Factor f, ProgressListener progress) {
    return map(kern, w, f.normalised, 0, progress);
  }

  private static EmbeddingMatrix map(
      TileKernel kern, EmbeddingMatrix w, double[] lower, int exponent, ProgressListener progress) {
    int d = w.dim();
    int n = w.rows();
    float[] out = new float[Math.multiplyExact(n, d)];
    product(
        kern,
        w,
        lower,
        "causal map",
        (row, c, co) -> {
          int oo = row * d;
          for (int j = 0; j < d; j++) {
            out[oo + j] = (float) Math.scalb(c[co + j], exponent);
          }
        },
        progress);
    EmbeddingMatrix m = EmbeddingMatrix.wrap(out, n, d);
    return w.isContiguous() && w.rows() > 0 && w.id(n - 1) == n - 1 ? m : m.withIds(w.ids());
  }

  /**
   * {@code ||L^T w||} of every row, from the float64 products by the normalised factor (the sum of
   * squares in order of the columns, in float64), scaled back exactly.
   *
   * @param lower row-major d x d lower-triangular factor; entries above the diagonal are ignored
   * @return one norm per row, in row order
   */
  public static double[] norms(
      TileKernel kern, EmbeddingMatrix w, double[] lower, ProgressListener progress) {
    int d = w.dim();
    double[] out = new double[w.rows()];
    Factor f = Factor.of(lower);
    product(
        kern,
        w,
        f.normalised,
        "causal norms",
        (row, c, co) -> {
          double s = 0;
          for (int j = 0; j < d; j++) {
            double v = c[co + j];
            s += v * v;
          }
          out[row] = Math.scalb(Math.sqrt(s), f.exponent);
        },
        progress);
    return out;
  }

  /** Receives one row of {@code W L} in float64 ({@code c[co .. co + d)}); rows in any order. */
  private interface RowSink {
    void accept(int row, double[] c, int co);
  }

  private static void product(
      TileKernel kern,
      EmbeddingMatrix w,
      double[] lower,
      String task,
      RowSink sink,
      ProgressListener progress) {
    int d = w.dim();
    int n = w.rows();
    if ((long) d * d != lower.length) {
      throw new IllegalArgumentException(
          "factor has " + lower.length + " values, rows have d = " + d);
    }
    int mr = kern.mrDouble();
    int nr = kern.nrDouble();
    int jPanels = (d + nr - 1) / nr;
    int ldc = jPanels * nr;
    // B panel jp, depth i, lane q = L[i][jp*nr + q] (0 above the diagonal and past d)
    double[] bp = new double[jPanels * d * nr];
    for (int jp = 0; jp < jPanels; jp++) {
      int base = jp * d * nr;
      for (int i = 0; i < d; i++) {
        for (int q = 0; q < nr; q++) {
          int j = jp * nr + q;
          bp[base + i * nr + q] = j < d && j <= i ? lower[i * d + j] : 0.0;
        }
      }
    }
    int mb = Math.max(mr, MB / mr * mr);
    int tiles = (n + mb - 1) / mb;
    float[] src = w.backingArray();
    final class S {
      final double[] ap = new double[mb * d];
      final double[] c = new double[mb * ldc];
    }
    Parallel.run(
        task,
        tiles,
        n,
        S::new,
        (s, t) -> {
          int r0 = t * mb;
          int rows = Math.min(mb, n - r0);
          int aPanels = (rows + mr - 1) / mr;
          for (int p = 0; p < aPanels; p++) {
            for (int r = 0; r < mr; r++) {
              int row = p * mr + r;
              int o = p * d * mr + r;
              if (row < rows) {
                int so = w.rowOffsetInt(r0 + row);
                for (int i = 0; i < d; i++, o += mr) {
                  s.ap[o] = src[so + i];
                }
              } else {
                for (int i = 0; i < d; i++, o += mr) {
                  s.ap[o] = 0.0;
                }
              }
            }
          }
          java.util.Arrays.fill(s.c, 0, aPanels * mr * ldc, 0.0);
          for (int k0 = 0; k0 < d; k0 += KC) {
            int k1 = Math.min(d, k0 + KC);
            for (int jp = 0; jp < jPanels; jp++) {
              int ks = Math.max(k0, jp * nr);
              if (ks >= k1) {
                break;
              }
              int bo = jp * d * nr + ks * nr;
              for (int ip = 0; ip < aPanels; ip++) {
                kern.microDouble(
                    s.ap,
                    ip * d * mr + ks * mr,
                    bp,
                    bo,
                    k1 - ks,
                    s.c,
                    ip * mr * ldc + jp * nr,
                    ldc);
              }
            }
          }
          for (int r = 0; r < rows; r++) {
            sink.accept(r0 + r, s.c, r * ldc);
          }
          return rows;
        },
        progress);
  }
}
