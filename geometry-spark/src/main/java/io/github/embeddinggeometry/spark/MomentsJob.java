package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.cpu.CovarianceGroups;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Mean and covariance in the summation order of {@link CanonicalSums}: float64 partials of groups
 * of 4,096 rows, combined by a fixed pairwise tree over group indices. Blocks need not be aligned
 * with groups.
 *
 * <p>Each block task computes the groups lying wholly inside it and merges them into tree nodes
 * ({@link CanonicalSums.Nodes}); the rows of a group cut by a block boundary travel, as at most two
 * fragments per block, to the task that computes that group. One shuffle brings everything of an
 * aligned power-of-two range of groups (at most 8 ranges) to one task, where it merges into a
 * single tree node; the driver merges those few nodes in range order. Any merge order ends in the
 * same root, bit for bit, because a node's value is always left child + right child.
 */
final class MomentsJob {
  private MomentsJob() {}

  /** The partial of one group (or the leaf function of a tree). */
  interface Leaf extends Serializable {
    double[] of(EmbeddingMatrix rows, int from, int to);
  }

  static double[] mean(RowBlocks m) {
    requireRows(m);
    double[] root = tree(m, CanonicalSums::meanPartial);
    return CanonicalSums.mean(root, m.rows());
  }

  static double[] covariance(JavaSparkContext sc, RowBlocks m, double[] mean) {
    requireRows(m);
    if (mean.length != m.dim()) {
      throw new IllegalArgumentException(
          "mean has " + mean.length + " values, rows have d = " + m.dim());
    }
    Broadcast<double[]> mb = sc.broadcast(mean.clone());
    int d = m.dim();
    double[] root = tree(m, new CovarianceLeaf(mb, d));
    mb.destroy();
    return CanonicalSums.covariance(root, d, m.rows());
  }

  /**
   * Mean and covariance, the mean's pass first: {@code ComputeBackend.covariance(w,
   * ProgressListener.NONE)}.
   */
  static Covariance moments(JavaSparkContext sc, RowBlocks m) {
    double[] mean = mean(m);
    return Covariance.of(mean, covariance(sc, m, mean), m.rows());
  }

  private static void requireRows(RowBlocks m) {
    if (m.rows() == 0) {
      throw new IllegalArgumentException("the mean of a matrix with 0 rows is undefined");
    }
  }

  /** Reuses the group buffers across the groups of one task. */
  private static final class CovarianceLeaf implements Leaf {
    private static final long serialVersionUID = 1L;
    private final Broadcast<double[]> mean;
    private final int d;
    private transient CovarianceGroups groups;

    CovarianceLeaf(Broadcast<double[]> mean, int d) {
      this.mean = mean;
      this.d = d;
    }

    @Override
    public double[] of(EmbeddingMatrix rows, int from, int to) {
      if (groups == null) {
        groups = new CovarianceGroups(CpuEngine.kernel(), d);
      }
      return groups.partial(rows, mean.value(), from, to);
    }
  }

  /** Rows of a group that a block boundary cut. */
  static final class Fragment implements Serializable {
    private static final long serialVersionUID = 1L;
    final int group;
    final int start;
    final int rows;
    final float[] data;

    Fragment(int group, int start, int rows, float[] data) {
      this.group = group;
      this.start = start;
      this.rows = rows;
      this.data = data;
    }
  }

  /** Ranges of groups merged by one task each (a power of two groups per range). */
  private static final int RANGES = 8;

  /** Node bytes above which the driver merges the ranges' results one by one, not all at once. */
  private static final long COLLECT_BYTES = 128L << 20;

  static double[] tree(RowBlocks m, Leaf leaf) {
    int n = m.rows();
    int d = m.dim();
    int groups = CanonicalSums.groups(n);
    int g = CanonicalSums.GROUP_ROWS;
    // Aligned power-of-two ranges of groups: all of a range merges into one tree node.
    int span = Integer.highestOneBit(Math.max(1, (groups + RANGES - 1) / RANGES - 1)) << 1;
    span = groups <= RANGES ? 1 : span;
    int sp = span;
    int ranges = (groups + span - 1) / span;
    // Per block: its whole groups as node sets, one per range touched; the rows of a group a
    // block boundary cuts as a fragment. All keyed by range.
    JavaPairRDD<Integer, Object> parts =
        m.rdd()
            .flatMapToPair(
                blk -> {
                  List<Tuple2<Integer, Object>> out = new ArrayList<>();
                  int s = blk.start();
                  int e = s + blk.rows();
                  CanonicalSums.Nodes nodes = null;
                  EmbeddingMatrix w = EmbeddingMatrix.wrap(blk.data(), blk.rows(), d);
                  for (int q = s / g; q < groups && (long) q * g < e; q++) {
                    int gs = q * g;
                    int ge = Math.min(n, gs + g);
                    int a = Math.max(gs, s);
                    int b = Math.min(ge, e);
                    if (a == gs && b == ge) {
                      if (nodes != null && nodes.firstGroup() / sp != q / sp) {
                        out.add(new Tuple2<>(nodes.firstGroup() / sp, nodes));
                        nodes = null;
                      }
                      if (nodes == null) {
                        nodes = new CanonicalSums.Nodes(groups);
                      }
                      nodes.addLeaf(q, leaf.of(w, a - s, b - s));
                    } else if (a < b) {
                      float[] part = new float[(b - a) * d];
                      System.arraycopy(blk.data(), (a - s) * d, part, 0, part.length);
                      out.add(new Tuple2<>(q / sp, new Fragment(q, a, b - a, part)));
                    }
                  }
                  if (nodes != null) {
                    out.add(new Tuple2<>(nodes.firstGroup() / sp, nodes));
                  }
                  return out.iterator();
                });
    JavaRDD<CanonicalSums.Nodes> merged =
        parts
            .groupByKey(new Pairs.Identity(ranges))
            .map(
                t -> {
                  CanonicalSums.Nodes acc = new CanonicalSums.Nodes(groups);
                  List<Fragment> frags = new ArrayList<>();
                  for (Object o : t._2()) {
                    if (o instanceof Fragment f) {
                      frags.add(f);
                    } else {
                      acc.merge((CanonicalSums.Nodes) o);
                    }
                  }
                  frags.sort(
                      Comparator.comparingInt((Fragment f) -> f.group)
                          .thenComparingInt(f -> f.start));
                  for (int i = 0; i < frags.size(); ) {
                    int j = i;
                    int rows = 0;
                    while (j < frags.size() && frags.get(j).group == frags.get(i).group) {
                      rows += frags.get(j++).rows;
                    }
                    float[] data = new float[rows * d];
                    for (int o = 0, t2 = i; t2 < j; t2++) {
                      float[] fd = frags.get(t2).data;
                      System.arraycopy(fd, 0, data, o, fd.length);
                      o += fd.length;
                    }
                    acc.addLeaf(
                        frags.get(i).group, leaf.of(EmbeddingMatrix.wrap(data, rows, d), 0, rows));
                    i = j;
                  }
                  return acc;
                });
    // Each full range is one node now; the driver merges them in range order.
    CanonicalSums.Nodes root = new CanonicalSums.Nodes(groups);
    long nodeBytes = 8L * m.dim() * m.dim();
    java.util.Iterator<CanonicalSums.Nodes> it =
        ranges * nodeBytes <= COLLECT_BYTES
            ? merged.collect().iterator()
            : merged.toLocalIterator();
    while (it.hasNext()) {
      root.merge(it.next());
    }
    return root.root();
  }
}
