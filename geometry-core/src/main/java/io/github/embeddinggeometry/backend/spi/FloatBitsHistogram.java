package io.github.embeddinggeometry.backend.spi;

/**
 * Exact selection of the value of a rank among non-negative float32 values by two histograms of
 * their bits: non-negative floats sort like their bit patterns, so a histogram of the upper 16 bits
 * tells the bucket of a rank, and one of the lower 16 bits of the values in that bucket pins the
 * value. Counts are integers, so histograms add exactly in any order.
 *
 * @since 0.1
 */
public final class FloatBitsHistogram {
  /** Buckets of either histogram. */
  public static final int BUCKETS = 1 << 16;

  private FloatBitsHistogram() {}

  /**
   * The upper-bits bucket of a value ({@code -0.0} counts as {@code +0.0}).
   *
   * @param v a non-negative value
   * @return its bucket in the upper-bits histogram
   */
  public static int high(float v) {
    return Float.floatToRawIntBits(v + 0f) >>> 16;
  }

  /**
   * The lower 16 bits of a value ({@code -0.0} counts as {@code +0.0}).
   *
   * @param v a non-negative value
   * @return its bucket in a lower-bits histogram
   */
  public static int low(float v) {
    return Float.floatToRawIntBits(v + 0f) & 0xFFFF;
  }

  /**
   * The bucket holding {@code rank} (0-based, ascending), and the rank within it.
   *
   * @param hist counts per bucket. Not modified.
   * @param rank the rank, 0-based
   * @return {@code {bucket, rank within the bucket}}
   * @throws IllegalStateException if the histogram counts fewer values
   */
  public static long[] bucketOf(long[] hist, long rank) {
    long seen = 0;
    for (int b = 0; b < hist.length; b++) {
      if (rank < seen + hist[b]) {
        return new long[] {b, rank - seen};
      }
      seen += hist[b];
    }
    throw new IllegalStateException("rank " + rank + " beyond the " + seen + " values counted");
  }

  /**
   * The value of rank {@code rank} within {@code bucket}, from that bucket's low-bits histogram.
   *
   * @param bucket the upper-bits bucket
   * @param low that bucket's lower-bits histogram. Not modified.
   * @param rank the rank within the bucket
   * @return the value
   */
  public static float valueAt(int bucket, long[] low, long rank) {
    int lowBits = (int) bucketOf(low, rank)[0];
    return Float.intBitsToFloat(bucket << 16 | lowBits);
  }

  /**
   * {@code a[i] += b[i]}.
   *
   * @param a Modified: receives the sum
   * @param b added. Not modified.
   * @return {@code a}
   */
  public static long[] add(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
