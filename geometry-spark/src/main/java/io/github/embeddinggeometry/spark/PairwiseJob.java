package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.spi.ExactSum;
import io.github.embeddinggeometry.backend.spi.FloatBitsHistogram;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@link DistanceStatistics} of all rows on the cluster, the same bits as on one machine: every
 * field of it is order-free (exact sum, exact counts, min, max), and the median is selected
 * exactly.
 *
 * <p>One pass over the distances: blocks go to their pairs (as for the k-NN); pair task {@code (I,
 * J)} streams the distances of its pairs {@code i < j} from the library's own CPU kernel (a
 * diagonal task only the upper triangle) and keeps count, exact sum, min, max, zeros, a histogram
 * of the upper 16 bits, and the exact count of every float value inside a window around a first
 * guess of the median (from the distances of a sample of about {@value #SAMPLE_ROWS} rows, computed
 * on the driver): the counts below the window, above it, and of each bit pattern in it
 * (non-negative floats order as their bits). When both middle ranks fall inside the window the
 * median is read from it; only when the guess missed does a second pass recompute the pairs and
 * histogram the lower 16 bits of the values in the median's bucket(s), as the single machine does.
 */
final class PairwiseJob {
  private static final int BLOCK_ROWS = 64;

  /**
   * Rows per block of an off-diagonal pair task: up to 480 (two of the engine's tiles), so the
   * packed column block is swept once per tile rather than once per 64 rows, but never a block over
   * 16 MB: the planner budgets 64 MB of tiles and buffers per task.
   */
  static int offDiagonalRows(int columns) {
    long fit = (16L << 20) / (4L * Math.max(1, columns));
    return (int) Math.max(BLOCK_ROWS, Math.min(480, fit));
  }

  /** Rows of the sample that places the window. */
  static final int SAMPLE_ROWS = 1024;

  /** Half the window, as a fraction of the ranks of the sample's distances. */
  static final double WINDOW_RANKS = 0.02;

  /** Most bit patterns a window counts (1 MB of counts per pair task). */
  static final int MAX_BINS = 1 << 17;

  private PairwiseJob() {}

  static DistanceStatistics run(JavaSparkContext sc, RowBlocks m, MetricSpace space) {
    return run(sc, m, space, null);
  }

  /**
   * As {@link #run(JavaSparkContext, RowBlocks, MetricSpace)}; {@code window} {lo, hi} replaces the
   * sampled guess (for tests of both paths), null samples it.
   */
  static DistanceStatistics run(
      JavaSparkContext sc, RowBlocks m, MetricSpace space, float[] window) {
    long n = m.rows();
    if (n < 2) {
      throw new IllegalArgumentException("distance statistics need at least 2 rows; got " + n);
    }
    Metric metric = Metric.of(sc, space);
    int b = m.blocks();
    JavaRDD<RowBlock> mapped = SparkKnn.mapped(m.rdd(), metric);
    int[] bins = window != null ? bins(window[0], window[1]) : bins(guess(mapped, metric, n));
    int lo = bins[0];
    int width = bins[1];
    JavaPairRDD<Integer, Iterable<RowBlock>> pairs = Pairs.grouped(mapped, b);
    First first =
        pairs
            .map(
                t -> {
                  First f = new First(lo, width);
                  visit(t._1(), t._2(), b, metric, f::accept);
                  return f;
                })
            .treeReduce(First::add);
    long count = n * (n - 1) / 2;
    if (first.count != count) {
      throw new IllegalStateException("counted " + first.count + " pairs, expected " + count);
    }
    long lowRank = (count - 1) / 2;
    long highRank = count / 2;
    float a = first.inWindow(lowRank);
    float c = first.inWindow(highRank);
    if (Float.isNaN(a) || Float.isNaN(c)) {
      float[] ac = secondPass(pairs, b, metric, first.high, lowRank, highRank);
      a = ac[0];
      c = ac[1];
    }
    double median = lowRank == highRank ? a : ((double) a + c) / 2;
    metric.destroy();
    return new DistanceStatistics(
        count, first.min, median, first.sum.value() / count, first.max, first.zeros);
  }

  /** The values of two ranks by the low-bits histograms of their high-bits buckets. */
  private static float[] secondPass(
      JavaPairRDD<Integer, Iterable<RowBlock>> pairs,
      int b,
      Metric metric,
      long[] high,
      long lowRank,
      long highRank) {
    long[] ra = FloatBitsHistogram.bucketOf(high, lowRank);
    long[] rb = FloatBitsHistogram.bucketOf(high, highRank);
    int bucketA = (int) ra[0];
    int bucketB = (int) rb[0];
    Second second =
        pairs
            .map(
                t -> {
                  Second s = new Second(bucketA, bucketB);
                  visit(t._1(), t._2(), b, metric, s::accept);
                  return s;
                })
            .treeReduce(Second::add);
    float a = FloatBitsHistogram.valueAt(bucketA, second.lowA, ra[1]);
    float c =
        FloatBitsHistogram.valueAt(bucketB, bucketB == bucketA ? second.lowA : second.lowB, rb[1]);
    return new float[] {a, c};
  }

  /**
   * A first guess of the median's neighbourhood: every s-th row of the mapped blocks (about {@value
   * #SAMPLE_ROWS}), their distances on the driver by the same kernel, and the sample quantiles
   * {@code 1/2 -} and {@code 1/2 +} {@value #WINDOW_RANKS}. Null when fewer than two rows are
   * sampled.
   */
  static float[] guess(JavaRDD<RowBlock> mapped, Metric metric, long n) {
    long step = Math.max(1, n / SAMPLE_ROWS);
    List<float[]> rows =
        Jobs.run(
            () ->
                mapped
                    .flatMap(
                        blk -> {
                          List<float[]> out = new ArrayList<>();
                          int d = blk.dim();
                          for (int i = 0; i < blk.rows(); i++) {
                            if ((blk.start() + i) % step == 0) {
                              out.add(Arrays.copyOfRange(blk.data(), i * d, (i + 1) * d));
                            }
                          }
                          return out.iterator();
                        })
                    .collect());
    int s = rows.size();
    if (s < 2) {
      return null;
    }
    int d = rows.get(0).length;
    float[] data = new float[s * d];
    for (int i = 0; i < s; i++) {
      System.arraycopy(rows.get(i), 0, data, i * d, d);
    }
    EmbeddingMatrix x = EmbeddingMatrix.wrap(data, s, d);
    float[] dist = new float[s * (s - 1) / 2];
    int[] at = new int[1];
    visitUpper(
        x,
        metric,
        (v, off, len) -> {
          synchronized (at) {
            System.arraycopy(v, off, dist, at[0], len);
            at[0] += len;
          }
        });
    Arrays.sort(dist);
    int last = dist.length - 1;
    return new float[] {
      dist[(int) Math.max(0, Math.floor((0.5 - WINDOW_RANKS) * last))] + 0f,
      dist[(int) Math.min(last, Math.ceil((0.5 + WINDOW_RANKS) * last))] + 0f
    };
  }

  /**
   * The window {first bit pattern, patterns} of the values [lo, hi]: at most {@value #MAX_BINS}
   * patterns, centred on the middle of [lo, hi] when wider; {0, 0} (no window) for null.
   */
  static int[] bins(float lo, float hi) {
    if (!(lo >= 0) || !(hi >= lo)) {
      throw new IllegalArgumentException("window [" + lo + ", " + hi + "] is not a range of >= 0");
    }
    int a = Float.floatToRawIntBits(lo + 0f);
    int z = Float.floatToRawIntBits(hi + 0f);
    long width = (long) z - a + 1;
    if (width > MAX_BINS) {
      a = (int) (((long) a + z) / 2) - MAX_BINS / 2;
      width = MAX_BINS;
    }
    return new int[] {Math.max(0, a), (int) width};
  }

  private static int[] bins(float[] window) {
    return window == null ? new int[] {0, 0} : bins(window[0], window[1]);
  }

  @FunctionalInterface
  interface Values {
    void accept(float[] block, int off, int len);
  }

  /** Streams the distances of the pairs {@code i < j} of pair task p to {@code out}. */
  private static void visit(int p, Iterable<RowBlock> blocks, int b, Metric metric, Values out) {
    RowBlock[] ij = Pairs.find(p, b, blocks);
    RowBlock bi = ij[0];
    RowBlock bj = ij[1];
    EmbeddingMatrix x = bi.matrix();
    if (bi == bj) {
      visitUpper(x, metric, out);
      return;
    }
    EmbeddingMatrix y = bj.matrix();
    if (x.rows() == 0 || y.rows() == 0) {
      return;
    }
    try (DistanceKernel kernel = metric.mappedKernel()) {
      kernel.forEachBlock(
          x,
          y,
          offDiagonalRows(y.rows()),
          (from, to, block, stride) -> {
            for (int q = from; q < to; q++) {
              out.accept(block, (q - from) * stride, y.rows());
            }
          },
          ProgressListener.NONE);
    }
  }

  /**
   * The distances of the pairs {@code i < j} of one block's rows: the kernel's upper-triangle
   * stream when it has one (the products below the diagonal skipped, the same bits), else its full
   * blocks.
   */
  private static void visitUpper(EmbeddingMatrix x, Metric metric, Values out) {
    if (x.rows() < 2) {
      return;
    }
    int n = x.rows();
    DistanceBlockConsumer above =
        (from, to, block, stride) -> {
          for (int q = from; q < to; q++) {
            out.accept(block, (q - from) * stride + q + 1, n - q - 1);
          }
        };
    try (DistanceKernel kernel = metric.mappedKernel()) {
      UpperBlocks upper = UpperBlocks.of(kernel);
      if (upper != null) {
        // The engine's own tiles above the diagonal, as the single machine's statistics use them:
        // row blocks of whole rows would sweep the block's every column once per 64 rows.
        upper.forEachTileAbove(
            x,
            (rowFrom, rowTo, colFrom, colTo, tile, stride) -> {
              for (int i = rowFrom; i < rowTo; i++) {
                int j = Math.max(colFrom, i + 1);
                if (j < colTo) {
                  out.accept(tile, (i - rowFrom) * stride + (j - colFrom), colTo - j);
                }
              }
            },
            ProgressListener.NONE);
      } else {
        kernel.forEachBlock(x, x, BLOCK_ROWS, above, ProgressListener.NONE);
      }
    }
  }

  /** Pass 1 partials; every field adds exactly, in any order. */
  static final class First implements Serializable {
    private static final long serialVersionUID = 1L;
    long count;
    long zeros;
    float min = Float.POSITIVE_INFINITY;
    float max;
    final ExactSum sum = new ExactSum();
    final long[] high = new long[FloatBitsHistogram.BUCKETS];

    /** The window: the bits of its first value, and counts below, in and above it. */
    final int lo;

    long below;
    long above;
    final long[] window;

    First(int lo, int bins) {
      this.lo = lo;
      this.window = new long[bins];
    }

    /** The value of a rank (0-based, ascending) when it falls inside the window, else NaN. */
    float inWindow(long rank) {
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

    synchronized void accept(float[] v, int off, int len) {
      for (int t = off; t < off + len; t++) {
        float x = v[t];
        if (!(x >= 0)) {
          throw new IllegalStateException("distance " + x + " is negative or NaN");
        }
        x += 0f;
        sum.add(x);
        min = Math.min(min, x);
        max = Math.max(max, x);
        if (x == 0) {
          zeros++;
        }
        high[FloatBitsHistogram.high(x)]++;
        int w = Float.floatToRawIntBits(x) - lo;
        if (w < 0) {
          below++;
        } else if (w >= window.length) {
          above++;
        } else {
          window[w]++;
        }
      }
      count += len;
    }

    First add(First o) {
      count += o.count;
      below += o.below;
      above += o.above;
      FloatBitsHistogram.add(window, o.window);
      zeros += o.zeros;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
      sum.add(o.sum);
      FloatBitsHistogram.add(high, o.high);
      return this;
    }
  }

  /** Pass 2 partials: low-bits histograms of the median's bucket(s). */
  static final class Second implements Serializable {
    private static final long serialVersionUID = 1L;
    final int bucketA;
    final int bucketB;
    final long[] lowA = new long[FloatBitsHistogram.BUCKETS];
    final long[] lowB;

    Second(int bucketA, int bucketB) {
      this.bucketA = bucketA;
      this.bucketB = bucketB;
      this.lowB = bucketB == bucketA ? lowA : new long[FloatBitsHistogram.BUCKETS];
    }

    synchronized void accept(float[] v, int off, int len) {
      for (int t = off; t < off + len; t++) {
        int h = FloatBitsHistogram.high(v[t]);
        if (h == bucketA) {
          lowA[FloatBitsHistogram.low(v[t])]++;
        } else if (h == bucketB) {
          lowB[FloatBitsHistogram.low(v[t])]++;
        }
      }
    }

    Second add(Second o) {
      FloatBitsHistogram.add(lowA, o.lowA);
      if (lowB != lowA) {
        FloatBitsHistogram.add(lowB, o.lowB);
      }
      return this;
    }
  }
}
