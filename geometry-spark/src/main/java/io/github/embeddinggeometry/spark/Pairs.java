package io.github.embeddinggeometry.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The upper triangle of block pairs {@code (I, J)}, {@code I <= J}, numbered row by row: pair
 * {@code (I, J)} is {@code I B - I (I - 1) / 2 + (J - I)}, so {@code B (B + 1) / 2} in all.
 */
final class Pairs {
  private Pairs() {}

  static int count(int b) {
    return b * (b + 1) / 2;
  }

  static int index(int i, int j, int b) {
    return i * b - i * (i - 1) / 2 + (j - i);
  }

  /** {@code {I, J}} of pair p. */
  static int[] of(int p, int b) {
    int i = 0;
    while (p >= b - i) {
      p -= b - i;
      i++;
    }
    return new int[] {i, i + p};
  }

  /**
   * Tasks of equal work over B blocks of nearly equal size: the {@code B (B - 1) / 2} off-diagonal
   * pairs {@code (I, J)}, {@code I < J}, numbered row by row, then the diagonal blocks two by two
   * ({@code I} with {@code B - 1 - I}: two triangles of {@code r (r - 1) / 2} distances weigh one
   * off-diagonal pair's {@code r^2}), the middle one alone when B is odd.
   */
  static int balancedCount(int b) {
    return Math.toIntExact((long) b * (b - 1) / 2 + (b + 1) / 2);
  }

  /** The pairs {@code {I, J}} of balanced task t ({@link #balancedCount}): one or two. */
  static int[][] balanced(int t, int b) {
    int off = Math.toIntExact((long) b * (b - 1) / 2);
    if (t >= off) {
      int i = t - off;
      int j = b - 1 - i;
      return i == j ? new int[][] {{i, i}} : new int[][] {{i, i}, {j, j}};
    }
    int i = 0;
    while (t >= b - 1 - i) {
      t -= b - 1 - i;
      i++;
    }
    return new int[][] {{i, i + 1 + t}};
  }

  /**
   * Each block sent to the B pairs it belongs to (a diagonal pair gets it once), grouped by pair:
   * partition p holds pair p's one or two blocks. Shuffles B x W.
   */
  static JavaPairRDD<Integer, Iterable<RowBlock>> grouped(JavaRDD<RowBlock> blocks, int b) {
    return blocks
        .flatMapToPair(
            blk -> {
              List<Tuple2<Integer, RowBlock>> out = new ArrayList<>(b);
              int i = blk.index();
              for (int j = 0; j < b; j++) {
                out.add(new Tuple2<>(index(Math.min(i, j), Math.max(i, j), b), blk));
              }
              return out.iterator();
            })
        .groupByKey(new Identity(count(b)));
  }

  /** The blocks {@code {I, J}} of pair p among its one or two grouped blocks. */
  static RowBlock[] find(int p, int b, Iterable<RowBlock> blocks) {
    int[] ij = of(p, b);
    RowBlock[] out = new RowBlock[2];
    for (RowBlock r : blocks) {
      if (r.index() == ij[0]) {
        out[0] = r;
      }
      if (r.index() == ij[1]) {
        out[1] = r;
      }
    }
    return out;
  }

  /** Key k goes to partition k: one partition per pair, or per block. */
  static final class Identity extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    Identity(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Identity && ((Identity) o).n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }
}
