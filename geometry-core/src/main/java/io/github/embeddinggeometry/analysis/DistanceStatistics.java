package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.ExactSum;
import io.github.embeddinggeometry.backend.spi.FloatBitsHistogram;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.metric.DistanceKernel;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Statistics of the pairwise distances of a set of rows over the strict upper triangle {@code i <
 * j} (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#distance-statistics">distance
 * statistics</a>, notebook 1.4b): count, min, exact median, mean, max and the number of exact
 * zeros.
 *
 * <p><b>How the median stays exact without holding all pairs twice.</b> Distances are non-negative
 * float32, whose bit patterns sort like the values. The first streaming pass builds a histogram of
 * the upper 16 bits (65,536 counters) next to min, max, sum and zeros; it tells which bucket holds
 * the middle rank(s). A second pass histograms the lower 16 bits of the values in that bucket only,
 * which pins the middle value(s) exactly. When the pairs fit in half of the free heap (20,000 rows:
 * 2e8 pairs, 0.8 GB, fits {@code -Xmx4g}) the first pass also keeps them in one {@code float[]}, so
 * the second pass scans that array instead of recomputing distances; otherwise the distances are
 * streamed again and nothing of size N^2 is held.
 *
 * <p><b>Order-free.</b> The sum behind the mean is exact until one final rounding ({@code
 * internal.ExactSum}), and min, max, zeros and the histograms are exact too, so every field is the
 * same whatever order the pairs are visited in: a distributed run (geometry-spark) gives the same
 * bits.
 *
 * @param count number of pairs, {@code n (n - 1) / 2}
 * @param min smallest distance
 * @param median exact median; for an even count the average of the two middle values
 * @param mean mean distance: the exact sum, rounded once to double, divided by the count; NaN
 *     (unknown) when a distance is beyond float32's range ({@link #max} is then infinite): the
 *     kernel reports such a distance as infinity, and no sum formed from it is the true one
 * @param max largest distance; infinity when a distance is beyond float32's range
 * @param exactZeroPairs pairs at distance exactly 0 (bitwise-equal rows)
 * @since 0.1
 */
public record DistanceStatistics(
    long count, double min, double median, double mean, double max, long exactZeroPairs) {

  private static final int BUCKETS = FloatBitsHistogram.BUCKETS;

  /**
   * Streams the distance matrix of {@code rows} through {@code kernel} (never materialising it
   * unless it fits the heap comfortably, see above) and computes the statistics exactly. A kernel
   * that computes them where its data lives ({@link PairStatistics}: the {@code spark} backend's
   * runs the pairs on the cluster) is handed the work instead, with the same bits as the result.
   *
   * @param rows at least 2 rows. Not modified.
   * @param kernel computes the distances; fixes metric and units
   * @param progress receives progress (pairs) and may cancel. Not modified.
   * @return the statistics, in the kernel's distance units
   * @throws IllegalArgumentException if there are fewer than 2 rows or a row is not finite
   * @throws IllegalStateException if the kernel returns a negative or NaN distance
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static DistanceStatistics of(
      EmbeddingMatrix rows, DistanceKernel kernel, ProgressListener progress) {
    PairStatistics own = PairStatistics.of(kernel);
    if (own != null) {
      return where(rows, own, progress);
    }
    return of(rows, kernel, progress, keepPairs(rows));
  }

  /**
   * The statistics computed by a kernel where its data lives ({@link PairStatistics}, e.g. the
   * Spark backend's), which gives the same bits as the stream: nothing comes back but the result.
   */
  private static DistanceStatistics where(
      EmbeddingMatrix rows, PairStatistics kernel, ProgressListener progress) {
    Objects.requireNonNull(progress, "progress");
    requirePairs(rows.rows());
    PairStatistics.Statistics s = kernel.pairStatistics(rows, progress);
    return new DistanceStatistics(
        s.count(), s.min(), s.median(), s.mean(), s.max(), s.exactZeroPairs());
  }

  private static void requirePairs(int n) {
    if (n < 2) {
      throw new IllegalArgumentException("distance statistics need at least 2 rows; got " + n);
    }
  }

  /** Whether the pairs fit in half of the free heap (see above). */
  private static boolean keepPairs(EmbeddingMatrix rows) {
    Objects.requireNonNull(rows, "rows");
    long pairs = UpperTriangle.pairs(Math.max(rows.rows(), 0));
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    return pairs <= Integer.MAX_VALUE - 8 && pairs * Float.BYTES <= free / 2;
  }

  /**
   * Receives the distances of the statistics' first pass as they stream by, so that another result
   * of the same distances (a histogram, the n x n file) needs no pass of its own.
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface PairSink {
    /**
     * The distances from row {@code i} to rows {@code j0 .. j0 + len - 1} (all above the diagonal:
     * {@code j0 > i}): {@code distances[off + t]} is {@code d(i, j0 + t)}, as the kernel returned
     * it. A row's pairs can come in several pieces, concurrently from several threads; every pair
     * comes exactly once. The array is reused after the call returns.
     *
     * @param i the row
     * @param j0 the first column of this piece
     * @param distances the kernel's block. Not to be modified.
     * @param off index of {@code d(i, j0)}
     * @param len number of distances in this piece
     */
    void accept(int i, int j0, float[] distances, int off, int len);
  }

  /**
   * As {@link #of(EmbeddingMatrix, DistanceKernel, ProgressListener)}, handing every distance of
   * the first pass to {@code sink} as well (the statistics are the same; a second, median pass, if
   * any, is not handed on).
   *
   * @param rows at least 2 rows. Not modified.
   * @param kernel computes the distances; fixes metric and units
   * @param sink receives each of the {@code n (n - 1) / 2} distances once
   * @param progress receives progress (pairs) and may cancel. Not modified.
   * @return the statistics, in the kernel's distance units
   * @throws IllegalArgumentException if there are fewer than 2 rows or a row is not finite
   * @throws IllegalStateException if the kernel returns a negative or NaN distance
   */
  public static DistanceStatistics of(
      EmbeddingMatrix rows, DistanceKernel kernel, PairSink sink, ProgressListener progress) {
    Objects.requireNonNull(sink, "sink");
    return of(rows, kernel, progress, keepPairs(rows), sink);
  }

  /**
   * As {@link #of(EmbeddingMatrix, DistanceKernel, ProgressListener)}, choosing whether to keep the
   * pairs in memory (for tests of both paths).
   */
  static DistanceStatistics of(
      EmbeddingMatrix rows, DistanceKernel kernel, ProgressListener progress, boolean keepPairs) {
    return of(rows, kernel, progress, keepPairs, null);
  }

  private static DistanceStatistics of(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      ProgressListener progress,
      boolean keepPairs,
      PairSink sink) {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(progress, "progress");
    int n = rows.rows();
    requirePairs(n);
    long count = UpperTriangle.pairs(n);
    // Per worker thread, merged at the end: a row's pairs may come in runs from several threads.
    ConcurrentHashMap<Thread, Part> parts = new ConcurrentHashMap<>();
    Histograms high = new Histograms();
    float[] kept = keepPairs ? new float[Math.toIntExact(count)] : null;
    UpperTriangle.stream(
        rows,
        kernel,
        "distance statistics",
        progress,
        (i, j0, block, off, len) -> {
          Part part = parts.computeIfAbsent(Thread.currentThread(), t -> new Part());
          ExactSum sum = part.sum;
          float mn = part.min;
          float mx = part.max;
          long zeros = 0;
          long[] local = high.mine();
          for (int t = 0; t < len; t++) {
            float v = block[off + t];
            if (!(v >= 0)) {
              throw new IllegalStateException(
                  "kernel returned distance "
                      + v
                      + " between rows "
                      + i
                      + " and "
                      + (j0 + t)
                      + "; distances must be >= 0");
            }
            v += 0f; // -0.0 becomes +0.0, so its bits sort with the zeros
            sum.add(v);
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
            if (v == 0) {
              zeros++;
            }
            local[Float.floatToRawIntBits(v) >>> 16]++;
          }
          if (kept != null) {
            int start = (int) (UpperTriangle.rowStart(i, n) + (j0 - i - 1));
            for (int t = 0; t < len; t++) {
              kept[start + t] = block[off + t] + 0f;
            }
          }
          part.min = mn;
          part.max = mx;
          part.zeros += zeros;
          if (sink != null) {
            sink.accept(i, j0, block, off, len);
          }
        });
    ExactSum total = new ExactSum();
    float min = Float.POSITIVE_INFINITY;
    float max = 0;
    long zeros = 0;
    for (Part part : parts.values()) {
      total.add(part.sum);
      min = Math.min(min, part.min);
      max = Math.max(max, part.max);
      zeros += part.zeros;
    }
    // An infinite distance is one float32 could not hold (finite rows, finite true distance): no
    // mean can be formed from it, and infinity or a clamped sum would be a wrong number.
    double sum = total.value();
    long lowRank = (count - 1) / 2;
    long highRank = count / 2;
    float[] middle = select(rows, kernel, progress, kept, high.merged(), lowRank, highRank);
    double median = lowRank == highRank ? middle[0] : ((double) middle[0] + middle[1]) / 2;
    double mean = Double.isInfinite(sum) ? Double.NaN : sum / count;
    return new DistanceStatistics(count, min, median, mean, max, zeros);
  }

  /** The values of the two given ranks (0-based, ascending order), by the low-bits pass. */
  private static float[] select(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      ProgressListener progress,
      float[] kept,
      long[] high,
      long rankA,
      long rankB) {
    long[] a = FloatBitsHistogram.bucketOf(high, rankA);
    long[] b = FloatBitsHistogram.bucketOf(high, rankB);
    int bucketA = (int) a[0];
    int bucketB = (int) b[0];
    Histograms lowA = new Histograms();
    Histograms lowB = bucketB == bucketA ? lowA : new Histograms();
    if (kept != null) {
      int chunk = 1 << 20;
      int chunks = (kept.length + chunk - 1) / chunk;
      Parallel.run(
          "distance statistics (median pass)",
          chunks,
          kept.length,
          () -> null,
          (s, c) -> {
            int from = c * chunk;
            int to = Math.min(kept.length, from + chunk);
            histogramLow(kept, from, to, bucketA, bucketB, lowA, lowB);
            return to - from;
          },
          Parallel.silent(progress));
    } else {
      UpperTriangle.stream(
          rows,
          kernel,
          "distance statistics (median pass)",
          progress,
          (i, j0, block, off, len) ->
              histogramLow(block, off, off + len, bucketA, bucketB, lowA, lowB));
    }
    return new float[] {
      FloatBitsHistogram.valueAt(bucketA, lowA.merged(), a[1]),
      FloatBitsHistogram.valueAt(bucketB, lowB.merged(), b[1])
    };
  }

  private static void histogramLow(
      float[] values,
      int from,
      int to,
      int bucketA,
      int bucketB,
      Histograms lowA,
      Histograms lowB) {
    long[] la = null;
    long[] lb = null;
    for (int t = from; t < to; t++) {
      int bits = Float.floatToRawIntBits(values[t] + 0f);
      int h = bits >>> 16;
      if (h == bucketA) {
        if (la == null) {
          la = lowA.mine();
        }
        la[bits & 0xFFFF]++;
      } else if (h == bucketB) {
        if (lb == null) {
          lb = lowB.mine();
        }
        lb[bits & 0xFFFF]++;
      }
    }
  }

  /** One worker thread's share of the first pass (all of it exact, so merging is order-free). */
  private static final class Part {
    final ExactSum sum = new ExactSum();
    float min = Float.POSITIVE_INFINITY;
    float max;
    long zeros;
  }

  /**
   * One 65,536-bucket histogram per worker thread, merged at the end: no locking and no allocation
   * per block in the hot loop.
   */
  private static final class Histograms {
    // Keyed by thread and dropped with the call: a ThreadLocal would leave 512 KB per pool thread
    // behind until its map happens to be cleaned.
    private final ConcurrentHashMap<Thread, long[]> perThread = new ConcurrentHashMap<>();

    long[] mine() {
      return perThread.computeIfAbsent(Thread.currentThread(), t -> new long[BUCKETS]);
    }

    /** Called after all workers finished (the stream's completion orders their writes before). */
    long[] merged() {
      long[] out = new long[BUCKETS];
      for (long[] h : perThread.values()) {
        for (int b = 0; b < BUCKETS; b++) {
          out[b] += h[b];
        }
      }
      return out;
    }
  }
}
