package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.spi.cpu.BlockKnn;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * All-rows k-NN over block pairs, and top-k of a few query rows over the blocks.
 *
 * <p><b>Stages.</b> (1) Each block task reads its rows (mapped by the causal factor when the metric
 * is causal) and sends the block to the B pairs it belongs to: shuffle of B x W. (2) One task per
 * pair {@code (I, J)}, {@code I <= J}: {@link BlockKnn} sweeps the tiles once and feeds both
 * blocks' heaps; it emits I's candidates among J and J's among I: shuffle of about {@code (B+1) N
 * ((w + 4) k + w)} bytes, w the bytes of an id (2 below 65,536 ids, 3 below 2^24, see {@link
 * TopLists}). (3) One task per block merges its B candidate lists by (distance, id): {@code
 * reduceByKey}, the result stays distributed.
 */
final class SparkKnn {
  /**
   * Test hook: when set, a pair task whose pair index it accepts throws on its first attempt (the
   * fault-tolerance test). Null in production.
   */
  static volatile IntPredicate failFirstAttempt;

  private SparkKnn() {}

  static JavaRDD<NeighbourBlock> nearest(
      JavaSparkContext sc, RowBlocks m, MetricSpace metricSpace, int k) {
    if (k < 1 || k > m.rows() - 1) {
      throw new IllegalArgumentException(
          "k must be in [1, rows - 1 = " + (m.rows() - 1) + "]; got " + k);
    }
    Metric metric = Metric.of(sc, metricSpace);
    int b = m.blocks();
    JavaPairRDD<Integer, TopLists> partial =
        Pairs.grouped(mapped(m.rdd(), metric), b)
            .flatMapToPair(
                t -> {
                  int p = t._1();
                  maybeFail(p);
                  RowBlock[] ij = Pairs.find(p, b, t._2());
                  RowBlock bi = ij[0];
                  RowBlock bj = ij[1];
                  BlockKnn knn = metric.knn();
                  List<Tuple2<Integer, TopLists>> out = new ArrayList<>(2);
                  if (bi == bj) {
                    out.add(keyed(lists(bi, bi, knn.within(bi.matrix(), k))));
                  } else {
                    BlockKnn.Lists[] both = knn.between(bi.matrix(), bj.matrix(), k);
                    out.add(keyed(lists(bi, bj, both[0])));
                    out.add(keyed(lists(bj, bi, both[1])));
                  }
                  return out.iterator();
                });
    return partial
        .reduceByKey(new Pairs.Identity(b), (x, y) -> TopLists.merge(x, y, k))
        .values()
        .map(l -> l.complete(k));
  }

  /** Block rows in the metric's working space (causal: mapped rows). */
  static JavaRDD<RowBlock> mapped(JavaRDD<RowBlock> rows, Metric metric) {
    return rows.map(
        blk -> {
          EmbeddingMatrix x = metric.map(blk.matrix());
          if (x.backingArray() == blk.data()) {
            return blk;
          }
          return new RowBlock(blk.index(), blk.start(), blk.dim(), blk.idArray(), x.backingArray());
        });
  }

  private static Tuple2<Integer, TopLists> keyed(TopLists l) {
    return new Tuple2<>(l.block, l);
  }

  private static TopLists lists(RowBlock rows, RowBlock other, BlockKnn.Lists l) {
    int[] ids = new int[l.index().length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = other.id(l.index()[i]);
    }
    return new TopLists(rows.index(), rows.start(), rows.idArray(), l.k(), ids, l.distance());
  }

  private static void maybeFail(int pair) {
    IntPredicate f = failFirstAttempt;
    TaskContext tc = TaskContext.get();
    if (f != null && tc != null && tc.attemptNumber() == 0 && f.test(pair)) {
      throw new IllegalStateException("injected failure of pair task " + pair + ", attempt 0");
    }
  }

  /**
   * The k nearest rows of {@code m} to each query row (self excluded by vocabulary id), merged over
   * the blocks; the queries travel as one broadcast.
   *
   * @return per query row, {@code k} ids then distances: {@code [ids (nq x k), dist (nq x k)]}
   */
  static Result query(
      JavaSparkContext sc, RowBlocks m, EmbeddingMatrix queries, MetricSpace ms, int k) {
    Metric metric = Metric.of(sc, ms);
    int nq = queries.rows();
    int[] qIds = queries.ids();
    float[] qData = metric.map(queries.compact()).compact().backingArray();
    int d = queries.dim();
    Broadcast<float[]> qb = sc.broadcast(qData);
    TopLists merged =
        mapped(m.rdd(), metric)
            .map(
                blk -> {
                  EmbeddingMatrix q = EmbeddingMatrix.wrap(qb.value(), nq, d).withIds(qIds);
                  EmbeddingMatrix base = blk.matrix();
                  int[] self = new int[nq];
                  for (int i = 0; i < nq; i++) {
                    self[i] = Arrays.binarySearch(blk.idArray(), qIds[i]);
                    self[i] = self[i] < 0 ? -1 : self[i];
                  }
                  return queryLists(metric.knn(), q, base, blk, self, qIds, k);
                })
            .treeReduce((x, y) -> TopLists.merge(x, y, k));
    qb.destroy();
    metric.destroy();
    return new Result(merged.k, merged.ids, merged.dist);
  }

  /**
   * Top-k of the queries in one block, {@code min(k, rows)} per query: a query whose id is in the
   * block has one candidate fewer, and when that leaves it short its list ends in a sentinel that
   * sorts after every distance (+infinity, id {@link Integer#MAX_VALUE}); the merge over all blocks
   * pushes the sentinels out, since every query has at least k candidates in all.
   */
  private static TopLists queryLists(
      BlockKnn knn,
      EmbeddingMatrix q,
      EmbeddingMatrix base,
      RowBlock blk,
      int[] self,
      int[] qIds,
      int k) {
    int nq = q.rows();
    int kk = Math.min(k, base.rows());
    int[] ids = new int[nq * kk];
    float[] dist = new float[ids.length];
    java.util.Arrays.fill(ids, Integer.MAX_VALUE);
    java.util.Arrays.fill(dist, Float.POSITIVE_INFINITY);
    for (boolean members : new boolean[] {false, true}) {
      int[] rows =
          java.util.stream.IntStream.range(0, nq).filter(i -> (self[i] >= 0) == members).toArray();
      if (rows.length == 0 || kk == 0) {
        continue;
      }
      int[] sub = new int[rows.length];
      for (int t = 0; t < rows.length; t++) {
        sub[t] = self[rows[t]];
      }
      BlockKnn.Lists l = knn.query(q.select(idsOf(q, rows)).compact(), base, kk, sub);
      for (int t = 0; t < rows.length; t++) {
        for (int r = 0; r < l.k(); r++) {
          ids[rows[t] * kk + r] = blk.id(l.index()[t * l.k() + r]);
          dist[rows[t] * kk + r] = l.distance()[t * l.k() + r];
        }
      }
    }
    return new TopLists(0, 0, qIds, kk, ids, dist);
  }

  private static int[] idsOf(EmbeddingMatrix q, int[] rows) {
    int[] out = new int[rows.length];
    for (int t = 0; t < rows.length; t++) {
      out[t] = q.id(rows[t]);
    }
    return out;
  }

  /** Merged query lists: {@code k} per query, row-major. */
  record Result(int k, int[] ids, float[] dist) {}
}
