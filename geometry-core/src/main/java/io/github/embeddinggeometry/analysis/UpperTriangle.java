package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.metric.DistanceKernel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Streams the strict upper triangle {@code i < j} of a distance matrix through a kernel without
 * materialising it.
 *
 * <p>A kernel with its own upper-triangle stream ({@code internal.UpperBlocks}: the CPU one) hands
 * over its own tiles, skipping those below the diagonal, and measures and packs the rows once. For
 * any other the rows are cut into horizontal bands; band {@code [s, e)} is streamed against the
 * base rows {@code [s, n)} only, so the kernel computes about {@code n^2 / 2 + n^2 / (2 bands)}
 * distances instead of {@code n^2}. The lower-left part of each band's diagonal square is computed
 * and dropped.
 */
final class UpperTriangle {
  /**
   * Receives, for one row i, the distances {@code d(i, j)} for a run of columns {@code j > i}; the
   * runs of a row together cover {@code j = i+1 .. n-1} once, in any order.
   */
  @FunctionalInterface
  interface RowConsumer {
    /**
     * @param i the row
     * @param j0 the first column of the run, above i
     * @param block holds {@code d(i, j0 + t)} at {@code block[offset + t]}, {@code t < count}. Not
     *     to be kept.
     */
    void accept(int i, int j0, float[] block, int offset, int count);
  }

  /** Query rows per streamed block. */
  static final int BLOCK_ROWS = 64;

  private UpperTriangle() {}

  static long pairs(int n) {
    return (long) n * (n - 1) / 2;
  }

  /** Number of pairs of the rows before i: where row i's pairs start when stored in row order. */
  static long rowStart(int i, int n) {
    return (long) i * (n - 1) - (long) i * (i - 1) / 2;
  }

  /**
   * Streams every row's upper-triangle distances to {@code consumer}, concurrently for different
   * rows, each row exactly once.
   */
  static void stream(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      String task,
      ProgressListener progress,
      RowConsumer consumer) {
    int n = rows.rows();
    long total = pairs(n);
    AtomicLong done = new AtomicLong();
    progress.progress(task, 0, total);
    // Under a lock so that the reported count never decreases.
    LongConsumer advance =
        got -> {
          synchronized (done) {
            progress.progress(task, done.addAndGet(got), total);
          }
        };
    UpperBlocks upper = UpperBlocks.of(kernel);
    if (upper != null) {
      upper.forEachTileAbove(
          rows,
          (r0, r1, c0, c1, tile, stride) -> {
            ProgressListener.checkCancelled(progress);
            long got = 0;
            for (int i = r0; i < r1; i++) {
              int first = Math.max(c0, i + 1);
              if (first < c1) {
                consumer.accept(i, first, tile, (i - r0) * stride + first - c0, c1 - first);
                got += c1 - first;
              }
            }
            advance.accept(got);
          },
          ProgressListener.NONE);
      return;
    }
    int bands = n < 2048 ? 1 : 8;
    for (int b = 0; b < bands; b++) {
      int s = (int) ((long) n * b / bands);
      int e = (int) ((long) n * (b + 1) / bands);
      if (e - s == 0) {
        continue;
      }
      EmbeddingMatrix query = s == 0 && e == n ? rows : rows.slice(s, e);
      EmbeddingMatrix base = s == 0 ? rows : rows.slice(s, n);
      kernel.forEachBlock(
          query,
          base,
          BLOCK_ROWS,
          (from, to, block, stride) -> {
            ProgressListener.checkCancelled(progress);
            long got = 0;
            for (int q = from; q < to; q++) {
              int i = s + q;
              int count = n - 1 - i;
              if (count > 0) {
                consumer.accept(i, i + 1, block, (q - from) * stride + (i - s + 1), count);
                got += count;
              }
            }
            advance.accept(got);
          },
          ProgressListener.NONE);
    }
  }
}
