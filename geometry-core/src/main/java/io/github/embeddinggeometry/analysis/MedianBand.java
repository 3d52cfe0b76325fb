package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.backend.spi.FloatBitsHistogram;
import io.github.embeddinggeometry.internal.RowLoops;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The distances of the first pass that fall in a band of upper-16-bit buckets around a sample's
 * median, kept so that the exact median comes from them rather than from all pairs: a fraction of
 * the pairs' memory (13% on the 20,000 x 2,560 benchmark), with none of the page faults and zeroing
 * of one array of every pair, which cost a cold process 1-2 s per 800 MB on the 2-vCPU Zen 5 guest.
 * When the median's buckets turn out to lie outside the band, or the kept values would pass their
 * memory budget, the median takes a second pass instead.
 *
 * <p>Thread-safe: every worker thread keeps into chunks of its own.
 */
final class MedianBand {
  private static final RowLoops L2 = RowLoops.get();

  /** Floats per chunk (4 MB). */
  static final int CHUNK = 1 << 20;

  /** Half the band in the sample's ranks, before widening. */
  private static final double HALF_RANKS = 0.05;

  /** Buckets added on each side: a sample median a few percent off still has its bucket inside. */
  private static final int MARGIN = 3;

  private final int lo;
  private final int width;

  /** The band as values: {@code [from, to)}. */
  private final float from;

  private final float to;
  private final long budget;
  private final AtomicLong reserved = new AtomicLong();
  private volatile boolean overflow;
  private final ConcurrentHashMap<Thread, Store> stores = new ConcurrentHashMap<>();

  /**
   * A band of buckets {@code [lo, lo + width)} keeping at most {@code budget} floats.
   *
   * @param bucketsLoWidth {first bucket, buckets}
   * @param budget floats that may be kept, in chunks of {@link #CHUNK}
   */
  MedianBand(int[] bucketsLoWidth, long budget) {
    this.lo = bucketsLoWidth[0];
    this.width = bucketsLoWidth[1];
    this.from = Float.intBitsToFloat(lo << 16);
    // the bits past the last bucket: +infinity's when the band reaches the top of the finite values
    this.to = Float.intBitsToFloat(Math.min(lo + width, 0x7f80) << 16);
    this.budget = budget;
  }

  /**
   * The band of a sample: the buckets from its {@code 0.45} to its {@code 0.55} quantile, widened
   * by {@value #MARGIN} buckets each side, with the share of the sample that falls in it.
   *
   * @param sample the sample's distances, each &gt;= 0, at least one; in any order
   * @return {first bucket, buckets} and, as a third element, the share of the sample inside in
   *     parts per million
   */
  static int[] of(float[] sample) {
    // a histogram rather than a sort: the same ranks' buckets, in a tenth of the time
    long[] h = new long[FloatBitsHistogram.BUCKETS];
    for (float v : sample) {
      h[FloatBitsHistogram.high(v + 0f)]++;
    }
    int last = sample.length - 1;
    int a = (int) FloatBitsHistogram.bucketOf(h, (long) Math.floor((0.5 - HALF_RANKS) * last))[0];
    int z = (int) FloatBitsHistogram.bucketOf(h, (long) Math.ceil((0.5 + HALF_RANKS) * last))[0];
    int first = Math.max(0, a - MARGIN);
    int end = Math.min(FloatBitsHistogram.BUCKETS, z + MARGIN + 1);
    long inside = 0;
    for (int k = first; k < end; k++) {
      inside += h[k];
    }
    return new int[] {first, end - first, (int) (inside * 1_000_000L / sample.length)};
  }

  /** Keeps the distances of {@code v[off .. off + len - 1]} that fall in the band. */
  void add(float[] v, int off, int len) {
    if (overflow) {
      return;
    }
    Store s = stores.computeIfAbsent(Thread.currentThread(), t -> new Store());
    if (s.chunk == null || s.pos + len > s.chunk.length) {
      int size = Math.max(CHUNK, len);
      if (reserved.addAndGet(size) > budget) {
        overflow = true;
        return;
      }
      s.finish();
      s.chunk = new float[size];
      s.pos = 0;
    }
    s.pos = L2.keepBand(v, off, len, from, to, s.chunk, s.pos, s.below);
  }

  /**
   * Values below the band (once the pass is over; meaningless after an overflow).
   *
   * @return the count
   */
  long below() {
    long b = 0;
    for (Store s : stores.values()) {
      b += s.below[0];
    }
    return b;
  }

  /**
   * Whether the kept values decide the two ranks: nothing was dropped for the budget, and both
   * ranks fall among the values kept, above the {@link #below} values under the band.
   *
   * @param rankA the lower rank
   * @param rankB the higher rank
   * @return true when the kept values hold both ranks
   */
  boolean holdsRanks(long rankA, long rankB) {
    if (overflow) {
      return false;
    }
    long below = below();
    long kept = 0;
    for (Chunk c : chunks()) {
      kept += c.length();
    }
    return below <= rankA && rankB < below + kept;
  }

  /**
   * An upper-16-bit histogram for {@code PairPasses.Second.of}: the kept values in their buckets,
   * with the {@link #below} values under the band counted in the bucket just below it (their own
   * buckets do not matter for ranks inside the band).
   *
   * @return the histogram
   */
  long[] histogram() {
    long[] h = new long[FloatBitsHistogram.BUCKETS];
    h[Math.max(0, lo - 1)] += below();
    for (Chunk c : chunks()) {
      float[] v = c.values();
      for (int t = 0; t < c.length(); t++) {
        h[Float.floatToRawIntBits(v[t]) >>> 16]++;
      }
    }
    return h;
  }

  /**
   * The kept values {@code values[0 .. length - 1]} of one chunk.
   *
   * @param values the chunk
   * @param length how many of its values were kept
   */
  record Chunk(float[] values, int length) {}

  /** The kept values, in chunks, after the pass (every worker's writes happen before its end). */
  List<Chunk> chunks() {
    List<Chunk> out = new ArrayList<>();
    for (Store s : stores.values()) {
      s.finish();
      out.addAll(s.full);
    }
    return out;
  }

  /** One worker thread's chunks. */
  private static final class Store {
    float[] chunk;
    int pos;
    final long[] below = new long[1];
    final List<Chunk> full = new ArrayList<>();

    void finish() {
      if (chunk != null && pos > 0) {
        full.add(new Chunk(chunk, pos));
      }
      chunk = null;
      pos = 0;
    }
  }
}
