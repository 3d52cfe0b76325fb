package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;

/**
 * Packs matrix rows into the depth-major micro-panels of {@link TileKernel}: panel p of {@code
 * panelRows} rows over depth d at {@code dst[off + p*d*panelRows + k*panelRows + r]}, zero-padded
 * past the last row.
 */
final class Packing {
  private Packing() {}

  /** Packs rows {@code [from, from+count)} of {@code x}; returns the number of panels. */
  static int pack(EmbeddingMatrix x, int from, int count, int panelRows, float[] dst, int dstOff) {
    return pack(x, from, count, panelRows, dst, dstOff, 1.0);
  }

  /**
   * As {@link #pack(EmbeddingMatrix, int, int, int, float[], int)}, multiplying every value by
   * {@code scale}, a power of two (through double, so the factor itself never overflows).
   */
  static int pack(
      EmbeddingMatrix x,
      int from,
      int count,
      int panelRows,
      float[] dst,
      int dstOff,
      double scale) {
    return pack(x, from, count, panelRows, dst, dstOff, scale, null, 0);
  }

  /**
   * As above, with a power of two per row when {@code rowScale} is not null: row {@code from + r}
   * is multiplied by {@code rowScale[rowScaleFrom + r]}.
   */
  static int pack(
      EmbeddingMatrix x,
      int from,
      int count,
      int panelRows,
      float[] dst,
      int dstOff,
      double scale,
      double[] rowScale,
      int rowScaleFrom) {
    int d = x.dim();
    float[] src = x.backingArray();
    int panels = (count + panelRows - 1) / panelRows;
    for (int p = 0; p < panels; p++) {
      int pBase = dstOff + p * d * panelRows;
      for (int r = 0; r < panelRows; r++) {
        int row = p * panelRows + r;
        int o = pBase + r;
        if (row < count) {
          int so = x.rowOffsetInt(from + row);
          double f = rowScale == null ? scale : rowScale[rowScaleFrom + row];
          if (f == 1.0) {
            for (int k = 0; k < d; k++, o += panelRows) {
              dst[o] = src[so + k];
            }
          } else {
            for (int k = 0; k < d; k++, o += panelRows) {
              dst[o] = (float) (src[so + k] * f);
            }
          }
        } else {
          for (int k = 0; k < d; k++, o += panelRows) {
            dst[o] = 0f;
          }
        }
      }
    }
    return panels;
  }

  /**
   * Bytes of heap a fully packed copy may take (default: an eighth of the maximum heap, at most 1
   * GiB).
   */
  static long prepackBudget() {
    long max = Runtime.getRuntime().maxMemory();
    long dflt = Math.min(1L << 30, max / 8);
    return Settings.bytes(Settings.PREPACK_BYTES, dflt);
  }

  /**
   * All rows {@code [from, from+count)} packed once in panels of {@code panelRows}, or null when
   * that copy would exceed {@link #prepackBudget()} (then callers pack per tile).
   */
  static float[] packAll(
      EmbeddingMatrix x, int from, int count, int panelRows, ProgressListener progress) {
    return packAll(x, from, count, panelRows, 1.0, null, progress);
  }

  /**
   * As above, every value times the power of two {@code scale}, or, when {@code rowScale} is not
   * null, row {@code from + r} times {@code rowScale[r]}.
   */
  static float[] packAll(
      EmbeddingMatrix x,
      int from,
      int count,
      int panelRows,
      double scale,
      double[] rowScale,
      ProgressListener progress) {
    int d = x.dim();
    long panels = (count + panelRows - 1) / panelRows;
    long floats = panels * panelRows * d;
    if (floats * 4 > prepackBudget() || floats > Integer.MAX_VALUE - 8) {
      return null;
    }
    float[] dst = new float[(int) floats];
    int perTask = Math.max(1, (1 << 16) / Math.max(1, panelRows * d / 64));
    int tasks = (int) ((panels + perTask - 1) / perTask);
    Parallel.run(
        "pack",
        tasks,
        panels,
        () -> null,
        (s, t) -> {
          int p0 = t * perTask;
          int p1 = (int) Math.min(panels, p0 + perTask);
          int r0 = p0 * panelRows;
          int rows = Math.min(count, p1 * panelRows) - r0;
          pack(x, from + r0, rows, panelRows, dst, p0 * panelRows * d, scale, rowScale, r0);
          return p1 - p0;
        },
        Parallel.silent(progress));
    return dst;
  }
}
