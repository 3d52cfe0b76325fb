package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.spi.PairPasses;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * {@link DistanceStatistics} of all rows on the cluster, the same bits as on one machine: every
 * field of it is order-free (exact sum, exact counts, min, max), and the median is selected
 * exactly.
 *
 * <p>One pass over the distances. Each pair task streams the distances of its pairs {@code i < j}
 * from the library's own CPU kernel (a diagonal block only its upper triangle) and keeps count,
 * exact sum, min, max, zeros, a histogram of the upper 16 bits, and the exact count of every float
 * value inside a window around a first guess of the median (from the distances of a sample of about
 * {@value #SAMPLE_ROWS} rows, computed on the driver): the counts below the window, above it, and
 * of each bit pattern in it (non-negative floats order as their bits). When both middle ranks fall
 * inside the window the median is read from it; only when the guess missed does a second pass
 * recompute the pairs and histogram the lower 16 bits of the values in the median's bucket(s). The
 * passes' partials are the single machine's own ({@link PairPasses}).
 *
 * <p>Where the matrix has a source its tasks can read (a file, the driver's broadcast) and the
 * metric maps no rows, each pair task reads its two blocks itself, in blocks and tasks of equal
 * work chosen for the cluster's slots ({@link Planner#pairwiseBlocks}), and the driver reads the
 * sample when that is cheap: one Spark job, no shuffle. Otherwise the blocks go to their pairs by a
 * shuffle, as for the k-NN (geometry-spark/README.md).
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
    JavaRDD<RowBlock> mapped = SparkKnn.mapped(m.rdd(), metric);
    // 1 MB of window counts per pair task: each task's partial travels to the driver.
    int[] bins =
        window != null
            ? PairPasses.window(window[0], window[1], Float.NaN, PairPasses.MAX_BINS)
            : guess(m, mapped, metric, n);
    JavaRDD<Task> tasks =
        readsOwnBlocks(m, metric) ? direct(sc, m, metric) : shuffled(m, mapped, metric);
    // A reduce stage of its own (treeReduce) pays only where many results would meet on the driver.
    int depth = tasks.getNumPartitions() > 32 ? 2 : 1;
    PairPasses.First first =
        tasks
            .map(
                task -> {
                  PairPasses.First f = new PairPasses.First(bins);
                  task.visit(
                      (v, off, len) -> {
                        int bad = f.accept(v, off, len);
                        if (bad >= 0) {
                          throw new IllegalStateException(
                              "distance " + v[bad] + " is negative or NaN");
                        }
                      });
                  return f;
                })
            .treeReduce(PairPasses.First::add, depth);
    long count = n * (n - 1) / 2;
    if (first.count() != count) {
      throw new IllegalStateException("counted " + first.count() + " pairs, expected " + count);
    }
    long lowRank = (count - 1) / 2;
    long highRank = count / 2;
    float a = first.inWindow(lowRank);
    float c = first.inWindow(highRank);
    if (Float.isNaN(a) || Float.isNaN(c)) {
      float[] ac = secondPass(tasks, depth, first, lowRank, highRank);
      a = ac[0];
      c = ac[1];
    }
    double median = lowRank == highRank ? a : ((double) a + c) / 2;
    metric.destroy();
    // As the single machine: no mean is formed from a distance float32 could not hold.
    double sum = first.sum();
    double mean = Double.isInfinite(sum) ? Double.NaN : sum / count;
    return new DistanceStatistics(count, first.min(), median, mean, first.max(), first.zeros());
  }

  /**
   * One pair task's work, made and run inside a Spark task (never serialized): streams the
   * distances of its pairs {@code i < j} to {@code out}.
   */
  @FunctionalInterface
  interface Task {
    void visit(Values out);
  }

  /**
   * Whether the pair tasks read their own blocks from the matrix's source rather than receive them
   * through a shuffle: when it has one, and the metric maps no rows (a causal metric's map costs
   * {@code r d^2} a block, paid once per block by the shuffle, B times by reads), and the blocks
   * are not cached far from the driver (a cache the user asked for is read once, not the remote
   * source B times).
   */
  private static boolean readsOwnBlocks(RowBlocks m, Metric metric) {
    boolean cached = !m.rdd().getStorageLevel().equals(StorageLevel.NONE());
    return m.source() != null && !metric.maps() && (m.sourceLocal() || !cached);
  }

  /**
   * Pair tasks that read their blocks from the source: {@link Planner#pairwiseBlocks} blocks of
   * their own, in {@link Pairs#balanced} tasks of equal work. Each block is read by B tasks, as the
   * shuffle would send it to B pairs, but without serializing, compressing and writing it first.
   */
  private static JavaRDD<Task> direct(JavaSparkContext sc, RowBlocks m, Metric metric) {
    int b = Planner.pairwiseBlocks(m.rows(), m.dim(), m.blocks(), Planner.cluster(sc).totalCores());
    int[] starts = RowBlocks.even(m.rows(), b);
    RowBlocks.Rows rows = m.source();
    int count = Pairs.balancedCount(b);
    List<Integer> ids = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      ids.add(t);
    }
    return sc.parallelize(ids, count)
        .map(
            t ->
                out -> {
                  for (int[] ij : Pairs.balanced(t, b)) {
                    EmbeddingMatrix x =
                        metric.map(rows.read(ij[0], starts[ij[0]], starts[ij[0] + 1]).matrix());
                    EmbeddingMatrix y =
                        ij[1] == ij[0]
                            ? x
                            : metric.map(
                                rows.read(ij[1], starts[ij[1]], starts[ij[1] + 1]).matrix());
                    visit(x, y, metric, out);
                  }
                });
  }

  /** Pair tasks of the matrix's own blocks, sent to their pairs by a shuffle of B x W. */
  private static JavaRDD<Task> shuffled(RowBlocks m, JavaRDD<RowBlock> mapped, Metric metric) {
    int b = m.blocks();
    return Pairs.grouped(mapped, b)
        .map(
            t ->
                out -> {
                  RowBlock[] ij = Pairs.find(t._1(), b, t._2());
                  visit(ij[0].matrix(), ij[0] == ij[1] ? null : ij[1].matrix(), metric, out);
                });
  }

  /** The values of two ranks by the low-bits histograms of their high-bits buckets. */
  private static float[] secondPass(
      JavaRDD<Task> tasks, int depth, PairPasses.First first, long lowRank, long highRank) {
    return tasks
        .map(
            task -> {
              PairPasses.Second s = first.second(lowRank, highRank);
              task.visit(s::accept);
              return s;
            })
        .treeReduce(PairPasses.Second::add, depth)
        .values();
  }

  /**
   * The window of a first guess of the median: every s-th row (about {@value #SAMPLE_ROWS}), their
   * distances on the driver by the same kernel, and {@link PairPasses#window(float[], int)} of
   * them. The driver reads the sample itself where that is cheap ({@link RowBlocks#sourceLocal()}:
   * no job), else a job collects it from the mapped blocks. No window ({0, 0}) when fewer than two
   * rows are sampled.
   */
  static int[] guess(RowBlocks m, JavaRDD<RowBlock> mapped, Metric metric, long n) {
    long step = Math.max(1, n / SAMPLE_ROWS);
    int s = (int) ((n + step - 1) / step);
    if (s < 2) {
      return new int[] {0, 0};
    }
    int d = m.dim();
    float[] data;
    if (m.sourceLocal()) {
      int[] at = new int[s];
      for (int i = 0; i < s; i++) {
        at[i] = (int) (i * step);
      }
      data = metric.map(EmbeddingMatrix.wrap(m.source().rows(at, d), s, d)).backingArray();
    } else {
      List<float[]> rows =
          Jobs.run(
              () ->
                  mapped
                      .flatMap(
                          blk -> {
                            List<float[]> out = new ArrayList<>();
                            for (int i = 0; i < blk.rows(); i++) {
                              if ((blk.start() + i) % step == 0) {
                                out.add(Arrays.copyOfRange(blk.data(), i * d, (i + 1) * d));
                              }
                            }
                            return out.iterator();
                          })
                      .collect());
      data = new float[Math.multiplyExact(s, d)];
      for (int i = 0; i < s; i++) {
        System.arraycopy(rows.get(i), 0, data, i * d, d);
      }
    }
    float[] dist = new float[s * (s - 1) / 2];
    int[] at = new int[1];
    visit(
        EmbeddingMatrix.wrap(data, s, d),
        null,
        metric,
        (v, off, len) -> {
          synchronized (at) {
            System.arraycopy(v, off, dist, at[0], len);
            at[0] += len;
          }
        });
    return PairPasses.window(dist, PairPasses.MAX_BINS);
  }

  @FunctionalInterface
  interface Values {
    void accept(float[] block, int off, int len);
  }

  /**
   * Streams the distances of the pairs {@code i < j} between the rows of {@code x} and {@code y}
   * (mapped), or among the rows of {@code x} when {@code y} is null or {@code x} itself.
   */
  private static void visit(EmbeddingMatrix x, EmbeddingMatrix y, Metric metric, Values out) {
    if (y == null || y == x) {
      visitUpper(x, metric, out);
      return;
    }
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
}
