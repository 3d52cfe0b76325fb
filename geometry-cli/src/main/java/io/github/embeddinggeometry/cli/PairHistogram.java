package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.analysis.DistanceStatistics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pairwise step's histogram counted during the statistics' own pass, before the largest
 * distance (its range) is known: every distance is counted in a bucket of its float32 bits with the
 * 11 lowest mantissa bits dropped, and the display bins are made of whole buckets afterwards. The
 * counts are exact for the bins' edges, which are the ideal edges {@code hi * b / bins} rounded
 * down to a bucket boundary (within a relative 2^-12 of them). Used where the n x n file is not
 * written: the distances then pass once instead of twice.
 */
final class PairHistogram implements DistanceStatistics.PairSink {
  /** Mantissa bits dropped: 12 significant bits are kept. */
  static final int SHIFT = 11;

  private static final int BUCKETS = 1 << (31 - SHIFT);

  /** One array per worker thread: the sink is called from several threads at once. */
  private final Map<Thread, long[]> perThread = new ConcurrentHashMap<>();

  @Override
  public void accept(int i, int j0, float[] distances, int off, int len) {
    long[] c = perThread.computeIfAbsent(Thread.currentThread(), t -> new long[BUCKETS]);
    for (int t = 0; t < len; t++) {
      // distances are >= 0; the mask folds -0 into +0
      c[(Float.floatToRawIntBits(distances[off + t]) & 0x7fffffff) >>> SHIFT]++;
    }
  }

  /** The lower bound of the bucket holding {@code x >= 0}. */
  static float bucketFloor(double x) {
    return Float.intBitsToFloat((Float.floatToRawIntBits((float) x) >>> SHIFT) << SHIFT);
  }

  /**
   * The display edges over [0, hi]: {@code edges[b]} is {@code hi * b / bins} rounded down to a
   * bucket boundary, {@code edges[bins] = hi}.
   */
  static double[] edges(double hi, int bins) {
    double[] e = new double[bins + 1];
    for (int b = 0; b < bins; b++) {
      e[b] = bucketFloor(hi * b / bins);
    }
    e[bins] = hi;
    return e;
  }

  /**
   * The counts per display bin of {@link #edges}: bin b holds the distances in {@code [edges[b],
   * edges[b + 1])}, the last bin everything from {@code edges[bins - 1]} up.
   */
  long[] counts(double[] edges) {
    int bins = edges.length - 1;
    long[] all = new long[BUCKETS];
    for (long[] c : perThread.values()) {
      for (int k = 0; k < BUCKETS; k++) {
        all[k] += c[k];
      }
    }
    long[] counts = new long[bins];
    int b = 0;
    for (int k = 0; k < BUCKETS; k++) {
      if (all[k] == 0) {
        continue;
      }
      float low = Float.intBitsToFloat(k << SHIFT);
      while (b < bins - 1 && low >= edges[b + 1]) {
        b++;
      }
      counts[b] += all[k];
    }
    return counts;
  }
}
