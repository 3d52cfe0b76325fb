package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.internal.ExactSum;
import io.github.embeddinggeometry.internal.FloatBitsHistogram;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.Serializable;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@link DistanceStatistics} of all rows on the cluster, the same bits as on one machine: every
 * field of it is order-free (exact sum, exact counts, min, max), and the median is selected exactly
 * by the library's two float-bits histograms.
 *
 * <p>Pass 1: blocks go to their pairs (as for the k-NN); pair task {@code (I, J)} streams the
 * distances of its pairs {@code i < j} from the library's own CPU kernel and keeps count, exact
 * sum, min, max, zeros and a histogram of the upper 16 bits; the partials are added up. Pass 2
 * recomputes the pairs and histograms the lower 16 bits of only the values in the median's
 * bucket(s) (the pair RDD's shuffle files are reused, so the blocks are not read again).
 */
final class PairwiseJob {
  private static final int BLOCK_ROWS = 64;

  private PairwiseJob() {}

  static DistanceStatistics run(JavaSparkContext sc, RowBlocks m, MetricSpace space) {
    long n = m.rows();
    if (n < 2) {
      throw new IllegalArgumentException("distance statistics need at least 2 rows; got " + n);
    }
    Metric metric = Metric.of(sc, space);
    int b = m.blocks();
    JavaPairRDD<Integer, Iterable<RowBlock>> pairs =
        Pairs.grouped(SparkKnn.mapped(m.rdd(), metric), b);
    First first =
        pairs
            .map(
                t -> {
                  First f = new First();
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
    long[] ra = FloatBitsHistogram.bucketOf(first.high, lowRank);
    long[] rb = FloatBitsHistogram.bucketOf(first.high, highRank);
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
    double median = lowRank == highRank ? a : ((double) a + c) / 2;
    metric.destroy();
    return new DistanceStatistics(
        count, first.min, median, first.sum.value() / count, first.max, first.zeros);
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
    boolean diagonal = bi == bj;
    EmbeddingMatrix x = bi.matrix();
    EmbeddingMatrix y = diagonal ? x : bj.matrix();
    if (x.rows() == 0 || y.rows() == 0) {
      return;
    }
    try (DistanceKernel kernel = metric.mappedKernel()) {
      kernel.forEachBlock(
          x,
          y,
          BLOCK_ROWS,
          (from, to, block, stride) -> {
            for (int q = from; q < to; q++) {
              int o = (q - from) * stride;
              if (diagonal) {
                out.accept(block, o + q + 1, y.rows() - q - 1);
              } else {
                out.accept(block, o, y.rows());
              }
            }
          },
          ProgressListener.NONE);
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
      }
      count += len;
    }

    First add(First o) {
      count += o.count;
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
