package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.internal.RowLoops;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The exact statistics of a stream of non-negative float32 distances (count, exact sum, min, max,
 * exact zeros and an exact median) as partials that merge in any order: each thread or task keeps
 * its own and the partials are added. The pairwise statistics of one machine and of a cluster are
 * both made of these, so they give the same bits.
 *
 * <p><b>The median in one pass, mostly.</b> Non-negative floats order as their bit patterns. A
 * first guess of where the median lies comes from a sample's distances ({@link #window}): a range
 * of bit patterns around the sample median. The {@link First first pass} counts every value below
 * the window, above it, and of each bit pattern inside it, beside a histogram of the upper 16 bits
 * of every value. When both middle ranks fall inside the window, they are read from its counts
 * ({@link First#inWindow}); otherwise a {@link Second second pass} over the same distances counts
 * the lower 16 bits of the values in the middle ranks' upper-bit buckets, which pins them exactly.
 * Nothing of size n<sup>2</sup> is ever held.
 *
 * @since 0.1
 */
public final class PairPasses {
  /**
   * The per-value loops, on the Vector API where it is in use (the results are exact either way).
   */
  private static final RowLoops L2 = RowLoops.get();

  private PairPasses() {}

  /** Half the window around the sample median, as a fraction of the sample's ranks. */
  static final double WINDOW_RANKS = 0.02;

  /** Bit patterns a window counts by default: 1 MB of counts per partial. */
  public static final int MAX_BINS = 1 << 17;

  /**
   * The window of a sample: the bit patterns from the sample's {@code 1/2 - 0.02} quantile to its
   * {@code 1/2 + 0.02} quantile, narrowed around the sample median to at most {@code maxBins}
   * patterns. The sample median of a thousand rows' pairs can lie a few percent from the true one
   * (the rows' pairs are not independent draws); at a distance of about 15 that is some 500,000
   * float32 patterns, so a window of {@link #MAX_BINS} often misses where one of {@code 1 << 20}
   * does not.
   *
   * @param sample distances of a sample of the pairs, each &gt;= 0. Sorted in place.
   * @param maxBins most patterns, at least 1 (each costs 8 bytes in every partial)
   * @return {first bit pattern, patterns}; {0, 0} (no window: the median takes the second pass)
   *     when the sample is empty
   * @throws IllegalArgumentException if a sample value is negative or NaN
   */
  public static int[] window(float[] sample, int maxBins) {
    if (maxBins < 1) {
      throw new IllegalArgumentException("maxBins must be >= 1; got " + maxBins);
    }
    if (sample.length == 0) {
      return new int[] {0, 0};
    }
    Arrays.sort(sample);
    if (!(sample[0] >= 0) || Float.isNaN(sample[sample.length - 1])) {
      throw new IllegalArgumentException("a sample distance is negative or NaN");
    }
    int last = sample.length - 1;
    return window(
        sample[(int) Math.max(0, Math.floor((0.5 - WINDOW_RANKS) * last))],
        sample[(int) Math.min(last, Math.ceil((0.5 + WINDOW_RANKS) * last))],
        sample[last / 2],
        maxBins);
  }

  /**
   * The window of the values [lo, hi], at most {@code maxBins} patterns: a wider range's window
   * centred on {@code centre} (the ranks around a sample median are the likeliest home of the true
   * one) and kept inside [lo, hi]; on the middle of [lo, hi] for NaN.
   *
   * @param lo first value, &gt;= 0
   * @param hi last value, &gt;= lo
   * @param centre where to centre a window narrower than [lo, hi], or NaN
   * @param maxBins most patterns, at least 1
   * @return {first bit pattern, patterns}
   * @throws IllegalArgumentException if [lo, hi] is not a range of values &gt;= 0
   */
  public static int[] window(float lo, float hi, float centre, int maxBins) {
    if (maxBins < 1) {
      throw new IllegalArgumentException("maxBins must be >= 1; got " + maxBins);
    }
    if (!(lo >= 0) || !(hi >= lo)) {
      throw new IllegalArgumentException("window [" + lo + ", " + hi + "] is not a range of >= 0");
    }
    int a = Float.floatToRawIntBits(lo + 0f);
    int z = Float.floatToRawIntBits(hi + 0f);
    long width = (long) z - a + 1;
    if (width > maxBins) {
      long c = Float.isNaN(centre) ? ((long) a + z) / 2 : Float.floatToRawIntBits(centre + 0f);
      a = (int) Math.max(a, Math.min(c - maxBins / 2, (long) z - maxBins + 1));
      width = maxBins;
    }
    return new int[] {Math.max(0, a), (int) width};
  }

  /**
   * The first pass's partial: count, exact sum, min, max, zeros, the upper-16-bit histogram and the
   * window's counts. Every field adds exactly, so partials merge in any order. Serializable so that
   * a cluster's tasks can send theirs to the driver; the form is not a stable format.
   *
   * @serial exclude
   * @since 0.1
   */
  public static final class First implements Serializable {
    private static final long serialVersionUID = 1L;
    private long count;
    private long zeros;
    private float min = Float.POSITIVE_INFINITY;
    private float max;
    private final ExactSum sum = new ExactSum();
    private final long[] high;
    private final int lo;
    private long below;
    private long above;
    private final long[] window;

    /**
     * An empty partial counting the window {@code {first pattern, patterns}}.
     *
     * @param window from {@link PairPasses#window}; {0, 0} counts no window
     */
    public First(int[] window) {
      this(window, true);
    }

    private First(int[] window, boolean histogram) {
      this.lo = window[0];
      this.window = new long[window[1]];
      this.high = histogram ? new long[FloatBitsHistogram.BUCKETS] : null;
    }

    /**
     * An empty partial of the count, sum, extremes and zeros only: no histogram, no window, so no
     * {@link #second} (for a caller that finds the median's buckets by other means, such as kept
     * values), and about a third of the per-value cost of one with them.
     *
     * @return the partial
     */
    public static First countsOnly() {
      return new First(new int[] {0, 0}, false);
    }

    /**
     * Adds distances.
     *
     * @param v the distances {@code v[off .. off + len - 1]}, each &gt;= 0 (-0 counts as 0). Not
     *     modified.
     * @param off first index
     * @param len how many
     * @return -1, or the index of the first value that is negative or NaN (the partial is then of
     *     no further use)
     */
    public synchronized int accept(float[] v, int off, int len) {
      long[] acc = {Float.floatToRawIntBits(min), Float.floatToRawIntBits(max), 0, 0, 0};
      for (int start = off, end = off + len; start < end; start += RowLoops.RUN) {
        int n = Math.min(RowLoops.RUN, end - start);
        int bin = sumBin((int) acc[RowLoops.MAX], v[start]);
        int bad = L2.firstPassRun(v, start, n, bin, acc);
        if (bad >= 0) {
          return bad;
        }
        if (acc[RowLoops.SUM] != 0) {
          sum.addScaled(acc[RowLoops.SUM], bin);
        }
        if (acc[RowLoops.STRAYS] != 0) {
          addStrays(v, start, n, bin);
        }
      }
      if (high != null) {
        countBuckets(v, off, len);
      } else {
        above += len;
      }
      min = Float.intBitsToFloat((int) acc[RowLoops.MIN]);
      max = Float.intBitsToFloat((int) acc[RowLoops.MAX]);
      zeros += acc[RowLoops.ZEROS];
      count += len;
      return -1;
    }

    /** The histogram and the window of values that {@link #accept} found valid. */
    private void countBuckets(float[] v, int off, int len) {
      // Locals, and no branch on which side of the window a value falls: the distances come in
      // random order, and a below/above branch mispredicted on every other value.
      long[] h = high;
      long[] in = window;
      int bins = in.length;
      int first = lo;
      long under = 0;
      long inside = 0;
      for (int t = off; t < off + len; t++) {
        int bits = Float.floatToRawIntBits(v[t] + 0f);
        h[bits >>> 16]++;
        int w = bits - first;
        if (Integer.compareUnsigned(w, bins) < 0) {
          in[w]++;
          inside++;
        } else {
          under += w >>> 31;
        }
      }
      below += under;
      above += len - inside - under;
    }

    /** Adds to the exact sum, one by one, the values above 0 outside the run's integer sum. */
    private void addStrays(float[] v, int off, int len, int bin) {
      for (int t = off; t < off + len; t++) {
        int bits = Float.floatToRawIntBits(v[t] + 0f);
        int shift = (bits >>> 23) - bin;
        if (bits != 0 && (shift < 0 || shift >= RowLoops.SUM_BINADES)) {
          sum.add(Float.intBitsToFloat(bits));
        }
      }
    }

    /**
     * The exponent whose unit a run's integer sum counts in: {@code SUM_BINADES - 3} binades below
     * the largest value so far (or the run's first), so that values up to 8 times larger still fall
     * in; capped so that the range ends below 255, the exponent of infinity and NaN.
     */
    private static int sumBin(int maxBits, float first) {
      int top = maxBits > 0 ? maxBits >>> 23 : (Float.floatToRawIntBits(first) >>> 23) & 0xff;
      return Math.max(1, Math.min(254 - RowLoops.SUM_BINADES, top - (RowLoops.SUM_BINADES - 3)));
    }

    /**
     * Adds another partial of the same window into this one.
     *
     * @param o the other partial. Not modified.
     * @return this
     * @throws IllegalArgumentException if the windows differ
     */
    public synchronized First add(First o) {
      if (o.lo != lo || o.window.length != window.length || (o.high == null) != (high == null)) {
        throw new IllegalArgumentException("partials of different windows");
      }
      count += o.count;
      below += o.below;
      above += o.above;
      FloatBitsHistogram.add(window, o.window);
      zeros += o.zeros;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
      sum.add(o.sum);
      if (high != null) {
        FloatBitsHistogram.add(high, o.high);
      }
      return this;
    }

    /**
     * The value of a rank when it falls inside the window.
     *
     * @param rank 0-based, ascending
     * @return the value, or NaN when the rank lies outside the window
     */
    public float inWindow(long rank) {
      long r = rank - below;
      if (r < 0 || rank >= count - above) {
        return Float.NaN;
      }
      for (int i = 0; i < window.length; i++) {
        r -= window[i];
        if (r < 0) {
          return Float.intBitsToFloat(lo + i);
        }
      }
      throw new IllegalStateException("window counts do not add up");
    }

    /**
     * Values counted.
     *
     * @return the count
     */
    public long count() {
      return count;
    }

    /**
     * Values exactly 0.
     *
     * @return the count
     */
    public long zeros() {
      return zeros;
    }

    /**
     * The smallest value; +infinity when none was counted.
     *
     * @return the minimum
     */
    public float min() {
      return min;
    }

    /**
     * The largest value; 0 when none was counted.
     *
     * @return the maximum
     */
    public float max() {
      return max;
    }

    /**
     * The exact sum, rounded once.
     *
     * @return the sum as a double (infinite when a value was)
     */
    public double sum() {
      return sum.value();
    }

    /**
     * A second pass for the values of two ranks (0-based, ascending), on the buckets this pass's
     * histogram places them in.
     *
     * @param rankA the lower rank
     * @param rankB the higher rank (may equal {@code rankA})
     * @return an empty second-pass partial
     * @throws IllegalStateException for a partial of {@link #countsOnly}
     */
    public Second second(long rankA, long rankB) {
      if (high == null) {
        throw new IllegalStateException("a counts-only partial has no histogram");
      }
      return new Second(high, rankA, rankB);
    }
  }

  /**
   * The second pass's partial: the lower-16-bit histograms of the two middle ranks' buckets.
   * Serializable as {@link First} is.
   *
   * @serial exclude
   * @since 0.1
   */
  public static final class Second implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] rankInA;
    private final long[] rankInB;
    private final long[] lowA = new long[FloatBitsHistogram.BUCKETS];
    private final long[] lowB;

    /**
     * An empty second-pass partial for two ranks, on an upper-16-bit histogram of every value (or
     * one whose buckets around the ranks are exact and whose other counts lie on the right side).
     *
     * @param high counts per upper-16-bit bucket. Not modified.
     * @param rankA the lower rank
     * @param rankB the higher rank (may equal {@code rankA})
     * @return the partial
     */
    public static Second of(long[] high, long rankA, long rankB) {
      return new Second(high, rankA, rankB);
    }

    Second(long[] high, long rankA, long rankB) {
      this.rankInA = FloatBitsHistogram.bucketOf(high, rankA);
      this.rankInB = FloatBitsHistogram.bucketOf(high, rankB);
      this.lowB = rankInB[0] == rankInA[0] ? lowA : new long[FloatBitsHistogram.BUCKETS];
    }

    /**
     * Adds the same distances as the first pass saw (in any order and partition).
     *
     * @param v the distances {@code v[off .. off + len - 1]}. Not modified.
     * @param off first index
     * @param len how many
     */
    public synchronized void accept(float[] v, int off, int len) {
      int bucketA = (int) rankInA[0];
      int bucketB = (int) rankInB[0];
      for (int t = off; t < off + len; t++) {
        int h = FloatBitsHistogram.high(v[t]);
        if (h == bucketA) {
          lowA[FloatBitsHistogram.low(v[t])]++;
        } else if (h == bucketB) {
          lowB[FloatBitsHistogram.low(v[t])]++;
        }
      }
    }

    /**
     * Adds another partial of the same ranks into this one.
     *
     * @param o the other partial. Not modified.
     * @return this
     */
    public synchronized Second add(Second o) {
      FloatBitsHistogram.add(lowA, o.lowA);
      if (lowB != lowA) {
        FloatBitsHistogram.add(lowB, o.lowB);
      }
      return this;
    }

    /**
     * The two ranks' values, once every distance was added.
     *
     * @return {value of rank A, value of rank B}
     */
    public float[] values() {
      return new float[] {
        FloatBitsHistogram.valueAt((int) rankInA[0], lowA, rankInA[1]),
        FloatBitsHistogram.valueAt((int) rankInB[0], lowB, rankInB[1])
      };
    }
  }
}
