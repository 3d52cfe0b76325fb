package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A {@link ComputeBackend} whose k-NN and covariance run on a Spark cluster (the backend {@code
 * spark}): every analysis of the library written against {@code ComputeBackend} runs there
 * unchanged, and gives the same bits as the CPU backend. The matrices are the caller's, in the
 * driver's memory, and are shipped as blocks; for matrices the driver should not hold, use {@link
 * SparkAnalyses} on {@link RowBlocks#read}.
 *
 * <p>{@code nearest} (all rows, or query rows), {@code covariance}, the pairwise statistics (its
 * kernels compute them on the cluster, {@link PairStatistics}: {@code DistanceStatistics.of} with
 * no pair sink gets six numbers back, not the distances) and {@code forEachBlock} run as Spark jobs
 * (the last streams its blocks back to the driver one partition at a time, in row order; all-rows
 * k-NN lists stream the same way into the result's arrays); {@code distances} fills one array of
 * the caller's and runs on the driver's CPU backend (the same arithmetic).
 *
 * @since 0.1
 */
public final class SparkBackend implements ComputeBackend {
  private final JavaSparkContext sc;
  private final boolean owned;
  private final int blocks;
  private final SparkAnalyses spark;

  /**
   * A backend on a running context, not stopped by {@link #close()}.
   *
   * @param sc the context the jobs run on. Not copied; it stays the caller's to stop.
   * @param blocks B for every job; 0 (or less) chooses from N, d, k and the executors ({@link
   *     Planner})
   * @throws NullPointerException if {@code sc} is null
   */
  public SparkBackend(JavaSparkContext sc, int blocks) {
    this(sc, blocks, false);
  }

  SparkBackend(JavaSparkContext sc, int blocks, boolean owned) {
    this.sc = Objects.requireNonNull(sc, "sc");
    this.owned = owned;
    this.blocks = blocks;
    this.spark = SparkAnalyses.on(sc);
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public String description() {
    return "spark ("
        + sc.master()
        + ", "
        + (blocks > 0 ? blocks + " blocks" : "blocks by the planner")
        + "; "
        + Backends.cpu().description()
        + " in each task)";
  }

  int blocksFor(int rows, int dim, int k) {
    if (blocks > 0) {
      return blocks;
    }
    return Planner.chooseBlocks(sc, rows, dim, k);
  }

  @Override
  public DistanceKernel distanceKernel(MetricSpace metric) {
    return new Kernel(metric);
  }

  @Override
  public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
    ProgressListener.checkCancelled(progress);
    progress.progress("covariance", 0, w.rows());
    RowBlocks m = spark.of(w, blocksFor(w.rows(), w.dim(), 1));
    Covariance c;
    try {
      c = spark.covariance(m);
    } finally {
      m.release();
    }
    progress.progress("covariance", w.rows(), w.rows());
    return c;
  }

  /** Stops the context when this backend created it. */
  @Override
  public void close() {
    if (owned) {
      sc.stop();
    }
  }

  private final class Kernel implements DistanceKernel, PairStatistics {
    private final MetricSpace metric;
    private final DistanceKernel local;

    Kernel(MetricSpace metric) {
      this.metric = metric;
      this.local = Backends.cpu().distanceKernel(metric);
    }

    @Override
    public MetricSpace metric() {
      return metric;
    }

    @Override
    public void distances(
        EmbeddingMatrix a,
        int aFrom,
        int aTo,
        EmbeddingMatrix b,
        int bFrom,
        int bTo,
        float[] out,
        int outOffset,
        int outStride) {
      local.distances(a, aFrom, aTo, b, bFrom, bTo, out, outOffset, outStride);
    }

    /**
     * Computed on the cluster: the query rows in blocks of {@code blockRows}, the base rows as a
     * broadcast; the blocks come back to the driver in row order (above 64 MB of distances, one
     * partition at a time).
     */
    @Override
    public void forEachBlock(
        EmbeddingMatrix a,
        EmbeddingMatrix b,
        int blockRows,
        DistanceBlockConsumer consumer,
        ProgressListener progress) {
      int n = b.rows();
      int m = a.rows();
      if (m == 0) {
        return;
      }
      EmbeddingMatrix base = b.compact();
      Broadcast<float[]> bb = sc.broadcast(base.backingArray());
      int[] baseIds = base.ids();
      int d = b.dim();
      Metric shipped = Metric.of(sc, metric);
      RowBlocks q = spark.of(a, (m + blockRows - 1) / blockRows);
      JavaRDD<RowBlock> blocks =
          q.rdd()
              .map(
                  blk -> {
                    float[] out = new float[blk.rows() * n];
                    EmbeddingMatrix y = EmbeddingMatrix.wrap(bb.value(), n, d);
                    y = n > 0 ? y.withIds(baseIds) : y;
                    try (DistanceKernel k = Backends.cpu().distanceKernel(shipped.space())) {
                      k.distances(blk.matrix(), 0, blk.rows(), y, 0, n, out, 0, n);
                    }
                    return new RowBlock(
                        blk.index(),
                        blk.start(),
                        Math.max(1, n),
                        blk.idArray(),
                        n == 0 ? new float[blk.rows()] : out);
                  });
      // One partition at a time: the driver holds one block of distances, never all of them.
      try {
        java.util.Iterator<RowBlock> it = Jobs.run(blocks::toLocalIterator);
        long done = 0;
        while (Jobs.run(it::hasNext)) {
          ProgressListener.checkCancelled(progress);
          RowBlock r = it.next();
          consumer.accept(r.start(), r.start() + r.rows(), r.data(), n);
          done += r.rows();
          progress.progress("distances", done, m);
        }
      } finally {
        q.release();
        bb.destroy();
        shipped.destroy();
      }
    }

    @Override
    public boolean hasPairStatistics() {
      return true;
    }

    /**
     * On the cluster ({@link SparkAnalyses#pairwiseStatistics}): the pair tasks keep the order-free
     * partials, and only those come back to the driver, not the distances.
     */
    @Override
    public Statistics pairStatistics(EmbeddingMatrix x, ProgressListener progress) {
      ProgressListener.checkCancelled(progress);
      long pairs = (long) x.rows() * (x.rows() - 1) / 2;
      progress.progress("distance statistics", 0, pairs);
      RowBlocks m = spark.of(x, blocksFor(x.rows(), x.dim(), 1));
      DistanceStatistics s;
      try {
        s = spark.pairwiseStatistics(m, metric);
      } finally {
        m.release();
      }
      progress.progress("distance statistics", pairs, pairs);
      return new Statistics(s.count(), s.min(), s.median(), s.mean(), s.max(), s.exactZeroPairs());
    }

    @Override
    public Neighbours nearest(
        EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
      ProgressListener.checkCancelled(progress);
      int nq = queries.rows();
      progress.progress("k-NN", 0, nq);
      RowBlocks m = spark.of(base, blocksFor(base.rows(), base.dim(), k));
      Neighbours out;
      try {
        if (queries == base) {
          JavaRDD<NeighbourBlock> knn = spark.nearest(m, metric, k);
          // Streamed block by block into the result arrays (which the API returns on the
          // driver): never a list of every block's lists beside them.
          int[] idx = new int[Math.multiplyExact(nq, k)];
          float[] dist = new float[idx.length];
          try {
            java.util.Iterator<NeighbourBlock> it = Jobs.run(knn::toLocalIterator);
            while (Jobs.run(it::hasNext)) {
              NeighbourBlock nb = it.next();
              int o = nb.start() * k;
              System.arraycopy(nb.distanceArray(), 0, dist, o, nb.rows() * k);
              for (int i = 0; i < nb.rows() * k; i++) {
                idx[o + i] = base.rowOf(nb.neighbourArray()[i]);
              }
            }
          } finally {
            knn.unpersist();
          }
          out = new Neighbours(queries, base, metric, k, idx, dist);
        } else {
          out = spark.nearest(m, base, queries, metric, k);
        }
      } finally {
        m.release();
      }
      progress.progress("k-NN", nq, nq);
      return out;
    }

    @Override
    public void close() {
      local.close();
    }
  }
}
