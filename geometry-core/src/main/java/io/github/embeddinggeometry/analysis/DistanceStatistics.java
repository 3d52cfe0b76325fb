package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.FloatBitsHistogram;
import io.github.embeddinggeometry.backend.spi.PairPasses;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.metric.DistanceKernel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Statistics of the pairwise distances of a set of rows over the strict upper triangle {@code i <
 * j} (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#distance-statistics">distance
 * statistics</a>, notebook 1.4b): count, min, exact median, mean, max and the number of exact
 * zeros.
 *
 * <p><b>How the median stays exact.</b> Distances are non-negative float32, whose bit patterns sort
 * like the values: a histogram of the upper 16 bits tells which bucket holds each middle rank, and
 * the lower 16 bits of the values in those buckets then pin the middle values exactly. The
 * distances of a sample of about {@value #SAMPLE_ROWS} rows say where the median probably lies
 * (below 4,096 rows, where that sample would cost a sixteenth of the work or more, there is no
 * sample, and the band is every bucket). Where half of the free heap holds the values of a band of
 * buckets around it (with room to spare; about 13% of all pairs on the 20,000 x 2,560 benchmark),
 * the streaming pass keeps min, max, the sum, zeros, the values in the band and a count of those
 * below it, and the middle values come from the kept ones: one pass over the pairs, with no
 * per-value histogram. Otherwise nothing of size N^2 is held: the pass counts the histogram and
 * every bit pattern of a window around the sample's median, and the middle values usually come out
 * of the one pass; when the window missed, one more pass counts the lower bits. A band that missed
 * the middle ranks (the sample misled) costs two more passes: the histogram, then the lower bits.
 * ({@code backend.spi.PairPasses} holds the passes; geometry-spark's pairwise job runs them too.)
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
    return of(rows, kernel, progress, null, null, null);
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

  /** Floats that half of the free heap holds: the budget of the kept band (see above). */
  private static long halfFreeHeapFloats() {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    return free / 2 / Float.BYTES;
  }

  /** Rows of the sample whose distances place the median's window. */
  static final int SAMPLE_ROWS = 1024;

  /**
   * Patterns of the median's window: 8 MB of counts per worker ({@code 1 << 20}, wide enough for a
   * sample median a few percent off), less on many cores, so that the workers' windows together
   * stay near 64 MB.
   */
  private static int windowBins() {
    long fit = (64L << 20) / Long.BYTES / Parallel.threads();
    return (int) Math.max(PairPasses.MAX_BINS, Math.min(1 << 20, fit));
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
    return of(rows, kernel, progress, null, null, sink);
  }

  /**
   * As {@link #of(EmbeddingMatrix, DistanceKernel, ProgressListener)}, choosing the path (for tests
   * of each): {@code band} {first bucket, buckets} of upper-16-bit buckets to keep (the median's
   * window is then not counted), else {@code window} {first bit pattern, patterns} to count ({0, 0}
   * for none: the median then takes a second pass); both null chooses from a sample.
   */
  static DistanceStatistics of(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      ProgressListener progress,
      int[] band,
      int[] window) {
    return of(rows, kernel, progress, band, window, null);
  }

  private static DistanceStatistics of(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      ProgressListener progress,
      int[] band,
      int[] window,
      PairSink sink) {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(progress, "progress");
    int n = rows.rows();
    requirePairs(n);
    long count = UpperTriangle.pairs(n);
    long budget = halfFreeHeapFloats();
    int[][] path =
        band != null
            ? new int[][] {band, NO_WINDOW}
            : window != null
                ? new int[][] {null, window}
                : choosePath(rows, kernel, progress, count, budget);
    MedianBand kept = path[0] != null ? new MedianBand(path[0], budget) : null;
    int[] counted = path[1];
    // Per worker thread, merged at the end: a row's pairs may come in runs from several threads.
    ConcurrentHashMap<Thread, PairPasses.First> parts = new ConcurrentHashMap<>();
    UpperTriangle.stream(
        rows,
        kernel,
        "distance statistics",
        progress,
        (i, j0, block, off, len) -> {
          int bad =
              parts
                  .computeIfAbsent(Thread.currentThread(), t -> firstPartial(kept, counted))
                  .accept(block, off, len);
          if (bad >= 0) {
            throw new IllegalStateException(
                "kernel returned distance "
                    + block[bad]
                    + " between rows "
                    + i
                    + " and "
                    + (j0 + bad - off)
                    + "; distances must be >= 0");
          }
          if (kept != null) {
            kept.add(block, off, len);
          }
          if (sink != null) {
            sink.accept(i, j0, block, off, len);
          }
        });
    PairPasses.First all = firstPartial(kept, counted);
    parts.values().forEach(all::add);
    if (all.count() != count) {
      throw new IllegalStateException("counted " + all.count() + " pairs, expected " + count);
    }
    long lowRank = (count - 1) / 2;
    long highRank = count / 2;
    float a = all.inWindow(lowRank);
    float c = all.inWindow(highRank);
    if (Float.isNaN(a) || Float.isNaN(c)) {
      float[] ac =
          kept != null && kept.holdsRanks(lowRank, highRank)
              ? bandRanks(kept, lowRank, highRank, progress)
              : secondPass(rows, kernel, progress, kept != null ? null : all, lowRank, highRank);
      a = ac[0];
      c = ac[1];
    }
    double median = lowRank == highRank ? a : ((double) a + c) / 2;
    // An infinite distance is one float32 could not hold (finite rows, finite true distance): no
    // mean can be formed from it, and infinity or a clamped sum would be a wrong number.
    double sum = all.sum();
    double mean = Double.isInfinite(sum) ? Double.NaN : sum / count;
    return new DistanceStatistics(count, all.min(), median, mean, all.max(), all.zeros());
  }

  /**
   * The first pass's partial: with a kept band, counts only (the band finds the median's buckets,
   * and the histogram's scattered increments were a third of the per-value cost); else the
   * histogram and {@code counted}'s window.
   */
  private static PairPasses.First firstPartial(MedianBand kept, int[] counted) {
    return kept != null ? PairPasses.First.countsOnly() : new PairPasses.First(counted);
  }

  /** The two ranks' values from the values the band kept, without streaming the pairs again. */
  private static float[] bandRanks(
      MedianBand kept, long lowRank, long highRank, ProgressListener progress) {
    long[] high = kept.histogram();
    List<MedianBand.Chunk> chunks = kept.chunks();
    ConcurrentHashMap<Thread, PairPasses.Second> seconds = new ConcurrentHashMap<>();
    Parallel.run(
        "distance statistics (median pass)",
        chunks.size(),
        chunks.size(),
        () -> null,
        (x, k) -> {
          seconds
              .computeIfAbsent(
                  Thread.currentThread(), t -> PairPasses.Second.of(high, lowRank, highRank))
              .accept(chunks.get(k).values(), 0, chunks.get(k).length());
          return 1;
        },
        Parallel.silent(progress));
    PairPasses.Second merged = PairPasses.Second.of(high, lowRank, highRank);
    seconds.values().forEach(merged::add);
    return merged.values();
  }

  /**
   * The two ranks' values from the pairs streamed again: once, on the buckets of {@code first}'s
   * histogram; twice (a histogram, then the buckets) when {@code first} is null, after a kept band
   * that missed the ranks or outgrew its budget.
   */
  private static float[] secondPass(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      ProgressListener progress,
      PairPasses.First first,
      long lowRank,
      long highRank) {
    PairPasses.First histogram = first;
    if (histogram == null) {
      ConcurrentHashMap<Thread, PairPasses.First> parts = new ConcurrentHashMap<>();
      UpperTriangle.stream(
          rows,
          kernel,
          "distance statistics (histogram pass)",
          progress,
          (i, j0, block, off, len) ->
              parts
                  .computeIfAbsent(Thread.currentThread(), t -> new PairPasses.First(NO_WINDOW))
                  .accept(block, off, len));
      histogram = new PairPasses.First(NO_WINDOW);
      parts.values().forEach(histogram::add);
    }
    PairPasses.First h = histogram;
    ConcurrentHashMap<Thread, PairPasses.Second> seconds = new ConcurrentHashMap<>();
    UpperTriangle.stream(
        rows,
        kernel,
        "distance statistics (median pass)",
        progress,
        (i, j0, block, off, len) ->
            seconds
                .computeIfAbsent(Thread.currentThread(), t -> h.second(lowRank, highRank))
                .accept(block, off, len));
    PairPasses.Second merged = h.second(lowRank, highRank);
    seconds.values().forEach(merged::add);
    return merged.values();
  }

  /** No window counted: the median's low bits come from a kept band or a second pass. */
  private static final int[] NO_WINDOW = {0, 0};

  /**
   * How the median's low bits are found: {band of buckets to keep, window to count}, one of them
   * meaningful. Below 4,096 rows a sample would cost a sixteenth of the work or more (all of it
   * below 2,048), so every bucket is kept where the pairs fit the budget; above, a sample places a
   * band kept where its share of the pairs fits, else the window counted in the pass.
   */
  private static int[][] choosePath(
      EmbeddingMatrix rows,
      DistanceKernel kernel,
      ProgressListener progress,
      long count,
      long budget) {
    long partChunks = (long) MedianBand.CHUNK * Parallel.threads();
    int n = rows.rows();
    if ((long) n * n <= 16L * SAMPLE_ROWS * SAMPLE_ROWS) {
      return count + partChunks <= budget
          ? new int[][] {{0, FloatBitsHistogram.BUCKETS}, NO_WINDOW}
          : new int[][] {null, NO_WINDOW};
    }
    float[] sample = sample(rows, kernel, progress);
    if (sample.length == 0) {
      return new int[][] {null, NO_WINDOW};
    }
    int[] b = MedianBand.of(sample);
    // The band's share of the sample, with room to spare, and a partly filled chunk a thread.
    if (b[2] / 1e6 * count * 1.5 + partChunks <= budget) {
      return new int[][] {b, NO_WINDOW};
    }
    Arrays.sort(sample);
    return new int[][] {null, PairPasses.window(sample, windowBins())};
  }

  /**
   * The distances of every s-th row's pairs, about {@value #SAMPLE_ROWS} rows: where the window of
   * the median goes. Empty when a sampled row or distance is bad (the full pass reports it).
   */
  private static float[] sample(
      EmbeddingMatrix rows, DistanceKernel kernel, ProgressListener progress) {
    int n = rows.rows();
    int step = Math.max(1, n / SAMPLE_ROWS);
    int s = (n + step - 1) / step;
    int d = rows.dim();
    float[] data = new float[Math.multiplyExact(s, d)];
    for (int i = 0; i < s; i++) {
      rows.copyRow(i * step, data, i * d);
    }
    float[] out = new float[Math.toIntExact(UpperTriangle.pairs(s))];
    try {
      UpperTriangle.stream(
          EmbeddingMatrix.wrap(data, s, d),
          kernel,
          "distance statistics (sample)",
          Parallel.silent(progress),
          (i, j0, block, off, len) ->
              System.arraycopy(
                  block,
                  off,
                  out,
                  Math.toIntExact(UpperTriangle.rowStart(i, s) + (j0 - i - 1)),
                  len));
    } catch (IllegalArgumentException e) {
      // A bad row (not finite, say): the full pass names it by its own row and id.
      return new float[0];
    }
    for (float v : out) {
      if (!(v >= 0)) {
        return new float[0];
      }
    }
    return out;
  }
}
