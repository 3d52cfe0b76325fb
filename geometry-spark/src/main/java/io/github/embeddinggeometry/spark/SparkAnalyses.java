package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The jobs the library's analyses need on a Spark cluster, over matrices held as {@link RowBlocks}
 * (which the driver need not hold), giving the same numbers, bit for bit, as the single machine:
 * the k-NN lists (and the core {@code DensityField} values of each block), the densest point, the
 * pairwise statistics with the exact median, and the covariance (its summation order is fixed, see
 * geometry-spark/README.md). The analyses themselves stay in core and take what these jobs return:
 * {@code Pca.fit(spark.covariance(m), progress)}, {@code
 * CausalMetric.inverseOf(spark.covariance(m), ridge, progress)}. Spark schedules, moves the blocks
 * and retries; the library's CPU kernel does the arithmetic inside each task. For matrices the
 * driver holds, {@link SparkBackend} runs the core analyses unchanged.
 *
 * <p>Row-wise results stay distributed (an RDD of per-block results); the driver holds O(B d) plus
 * what a method returns. A failed job caused by bad input is rethrown as that input's exception
 * (e.g. {@link NonFiniteRowException} naming the row), not as a Spark stack dump.
 *
 * <p><b>Exceptions.</b> Besides those each method lists, every method that runs a job throws {@link
 * NonFiniteRowException} when blocks from {@link #read} or {@link #fromRows} hold a row with NaN or
 * infinity, {@link IllegalArgumentException} for other bad input found by a task, and {@link
 * UncheckedIOException} when a block cannot be read. Methods returning an RDD run nothing (except
 * {@link #nearest(RowBlocks, MetricSpace, int)}): their errors surface in the job that uses the
 * RDD.
 *
 * @since 0.1
 */
public final class SparkAnalyses {
  private final JavaSparkContext sc;

  private SparkAnalyses(JavaSparkContext sc) {
    this.sc = Objects.requireNonNull(sc, "sc");
  }

  /**
   * The analyses on a running context.
   *
   * @param sc the context every job runs on. Not copied; never stopped by this class.
   * @return the analyses
   * @throws NullPointerException if {@code sc} is null
   */
  public static SparkAnalyses on(JavaSparkContext sc) {
    return new SparkAnalyses(sc);
  }

  /**
   * The context the jobs run on.
   *
   * @return the context given to {@link #on}
   */
  public JavaSparkContext context() {
    return sc;
  }

  // ------------------------------------------------------------------ inputs

  /**
   * W from a file every executor can reach, read block by block by the tasks: {@link
   * RowBlocks#read} on this context.
   *
   * @param spec {@code FILE.safetensors[:TENSOR]}, {@code FILE.npy} or a model folder, as a path or
   *     any Hadoop URI
   * @param blocks B, at least 1; more blocks than rows gives one block per row
   * @return the matrix; nothing is read but the header until a job uses it
   * @throws IOException if the file does not exist, or its header cannot be read or is malformed
   * @throws IllegalArgumentException if {@code blocks < 1}, the file is of another kind, or the
   *     tensor is missing or not a 2-D matrix
   */
  public RowBlocks read(String spec, int blocks) throws IOException {
    return RowBlocks.read(sc, spec, blocks);
  }

  /**
   * A matrix the driver holds, shipped to the executors as blocks: {@link RowBlocks#of} on this
   * context.
   *
   * @param w the rows, with their vocabulary ids. Not modified; the blocks hold copies.
   * @param blocks B, at least 1; more blocks than rows gives one block per row
   * @return the matrix, cut into nearly equal blocks
   * @throws IllegalArgumentException if {@code blocks < 1}
   */
  public RowBlocks of(EmbeddingMatrix w, int blocks) {
    return RowBlocks.of(sc, w, blocks);
  }

  /**
   * Rows from the caller's own pipeline, sorted by id into blocks: {@link RowBlocks#fromRows}, with
   * a failure of its sorting job rethrown as the input's exception.
   *
   * @param rows (vocabulary id, values) pairs, in any order and partitioning. The arrays are copied
   *     into the blocks.
   * @param dim row length d, at least 1
   * @param blocks B, at least 1; range partitioning may give fewer
   * @return the matrix; its rows are checked when a later job builds the blocks
   * @throws IllegalArgumentException if {@code dim < 1} or {@code blocks < 1}
   */
  public RowBlocks fromRows(JavaPairRDD<Integer, float[]> rows, int dim, int blocks) {
    return Jobs.run(() -> RowBlocks.fromRows(rows, dim, blocks));
  }

  /**
   * The rows with the given vocabulary ids (sorted and de-duplicated first), as blocks of their
   * own: what {@code EmbeddingMatrix.select} is on one machine. Runs one job to count the rows of
   * each block.
   *
   * @param m the rows to select from
   * @param ids vocabulary ids to keep, in any order, repeats allowed. Not modified.
   * @return the selected rows, one block per block of {@code m}, some possibly empty
   * @throws IllegalArgumentException if some of the ids have no row in {@code m} (saying how many)
   */
  public RowBlocks select(RowBlocks m, int[] ids) {
    int[] sorted = Arrays.stream(ids).sorted().distinct().toArray();
    Broadcast<int[]> keep = sc.broadcast(sorted);
    JavaRDD<RowBlock> picked =
        m.rdd()
            .map(
                blk -> {
                  int[] want = keep.value();
                  int[] rows = new int[blk.rows()];
                  int n = 0;
                  for (int i = 0; i < blk.rows(); i++) {
                    if (Arrays.binarySearch(want, blk.id(i)) >= 0) {
                      rows[n++] = i;
                    }
                  }
                  int d = blk.dim();
                  int[] pid = new int[n];
                  float[] data = new float[n * d];
                  for (int t = 0; t < n; t++) {
                    pid[t] = blk.id(rows[t]);
                    System.arraycopy(blk.data(), rows[t] * d, data, t * d, d);
                  }
                  return new RowBlock(blk.index(), 0, d, pid, data);
                });
    List<Integer> counts = Jobs.run(() -> picked.map(RowBlock::rows).collect());
    int[] starts = new int[counts.size() + 1];
    for (int b = 0; b < counts.size(); b++) {
      starts[b + 1] = starts[b] + counts.get(b);
    }
    if (starts[counts.size()] != sorted.length) {
      throw new IllegalArgumentException(
          (sorted.length - starts[counts.size()])
              + " of the "
              + sorted.length
              + " ids have no row in "
              + m.name());
    }
    int[] st = starts.clone();
    JavaRDD<RowBlock> placed =
        picked.map(b -> new RowBlock(b.index(), st[b.index()], b.dim(), b.idArray(), b.data()));
    return RowBlocks.withStarts(placed, m.dim(), starts, m.name() + " (selection)");
  }

  // ------------------------------------------------------------------ k-NN, density, densest

  /**
   * The k nearest neighbours of every row among all rows, self excluded by vocabulary id, ties to
   * the lower id: the single-machine {@code DistanceKernel.nearest(w, k, progress)}, per block.
   *
   * <p>Runs the job at once and keeps the result (memory, else disk), so that a failure surfaces
   * here and the density analyses reuse it; {@code unpersist()} it when done.
   *
   * @param m the rows
   * @param metric Euclidean, cosine or causal (rows mapped by the metric's Cholesky factor, which
   *     travels as a broadcast)
   * @param k neighbours per row, in {@code [1, rows - 1]}
   * @return the lists, one {@link NeighbourBlock} per block of {@code m}, persisted
   * @throws IllegalArgumentException if {@code k} is not in {@code [1, rows - 1]}
   */
  public JavaRDD<NeighbourBlock> nearest(RowBlocks m, MetricSpace metric, int k) {
    return Jobs.run(
        () -> {
          // The blocks' row hashes (writeNeighbours' source checksum) come along with this read,
          // one entry per block (a re-run task adds the same one again).
          org.apache.spark.util.CollectionAccumulator<long[]> sums =
              sc.sc().collectionAccumulator("embgeo.source-checksum");
          RowBlocks hashed =
              m.withRdd(
                  m.rdd()
                      .map(
                          b -> {
                            sums.add(new long[] {b.start(), rowHashes(b)});
                            return b;
                          }),
                  m.name());
          JavaRDD<NeighbourBlock> knn =
              SparkKnn.nearest(sc, hashed, metric, k).persist(StorageLevel.MEMORY_AND_DISK());
          knn.count();
          m.recordChecksums(sums.value());
          return knn;
        });
  }

  /**
   * Mean k-NN distance r of every row (the single-machine {@code DensityField.meanDistance}).
   *
   * @param knn the lists, from {@link #nearest(RowBlocks, MetricSpace, int)}
   * @return one {@link BlockValues} per block, in the units of the lists' metric; runs nothing
   */
  public JavaRDD<BlockValues> meanDistances(JavaRDD<NeighbourBlock> knn) {
    return knn.map(nb -> values(nb, field(nb).meanDistances()));
  }

  /**
   * k-NN density {@code 1 / r} of every row (the single-machine {@code DensityField.densities}).
   *
   * @param knn the lists, from {@link #nearest(RowBlocks, MetricSpace, int)}
   * @return one {@link BlockValues} per block: +infinity for a row with k or more exact duplicates;
   *     runs nothing
   */
  public JavaRDD<BlockValues> densities(JavaRDD<NeighbourBlock> knn) {
    return knn.map(nb -> values(nb, field(nb).densities()));
  }

  /**
   * Log volumetric density of every row (the single-machine {@code DensityField.logVolumetric}).
   *
   * @param knn the lists, from {@link #nearest(RowBlocks, MetricSpace, int)}
   * @param effectiveDimension D, at least 1
   * @return one {@link BlockValues} per block; runs nothing
   * @throws IllegalArgumentException if {@code effectiveDimension < 1}
   */
  public JavaRDD<BlockValues> logVolumetric(JavaRDD<NeighbourBlock> knn, int effectiveDimension) {
    if (effectiveDimension < 1) {
      throw new IllegalArgumentException(
          "effective dimension D must be >= 1; got " + effectiveDimension);
    }
    return knn.map(nb -> values(nb, field(nb).logVolumetric(effectiveDimension)));
  }

  /**
   * The densest row of a k-NN field and its neighbourhood: {@code DensestPoint.of(w, field,
   * metricKernel, cosineKernel, topN, progress)} with the field built from {@code knn} on the rows
   * of {@code m}.
   *
   * @param m the rows {@code knn} was computed on
   * @param knn the lists, from {@link #nearest(RowBlocks, MetricSpace, int)} on {@code m}
   * @param metric the metric of {@code knn} (and of the listed neighbours)
   * @param topN neighbours of the densest row to list, in {@code [1, rows - 1]}
   * @return the densest row, its density and its {@code topN} neighbours in {@code metric} and in
   *     cosine, assembled by {@link DensestPoint#of(int, int, double, double, MetricSpace, int[],
   *     float[], int[], float[])}
   * @throws IllegalArgumentException if topN is not in [1, rows - 1]
   */
  public DensestPoint densest(
      RowBlocks m, JavaRDD<NeighbourBlock> knn, MetricSpace metric, int topN) {
    if (topN < 1 || topN > m.rows() - 1) {
      throw new IllegalArgumentException(
          "top-N must be in [1, rows - 1 = " + (m.rows() - 1) + "]; got " + topN);
    }
    return Jobs.run(
        () -> {
          Densest best =
              knn.map(
                      nb -> {
                        if (nb.rows() == 0) {
                          return null;
                        }
                        DensityField f = field(nb);
                        int r = f.densestRow();
                        return new Densest(
                            nb.start() + r, nb.id(r), f.meanDistance(r), f.density(r));
                      })
                  .filter(Objects::nonNull)
                  .reduce(Densest::better);
          int id = best.id;
          float[] row =
              m.rdd()
                  .filter(b -> b.rows() > 0 && b.id(0) <= id && id <= b.id(b.rows() - 1))
                  .map(
                      b -> {
                        int i = Arrays.binarySearch(b.idArray(), id);
                        return Arrays.copyOfRange(b.data(), i * b.dim(), (i + 1) * b.dim());
                      })
                  .first();
          EmbeddingMatrix query = EmbeddingMatrix.wrap(row, 1, m.dim()).withIds(new int[] {id});
          SparkKnn.Result inMetric = SparkKnn.query(sc, m, query, metric, topN);
          SparkKnn.Result inCosine = SparkKnn.query(sc, m, query, MetricSpace.cosine(), topN);
          return DensestPoint.of(
              best.position,
              id,
              best.density,
              best.meanDistance,
              metric,
              inMetric.ids(),
              inMetric.dist(),
              inCosine.ids(),
              inCosine.dist());
        });
  }

  /**
   * The k nearest rows of {@code m} to each query row (a query whose id is among the rows is not
   * its own neighbour): {@code DistanceKernel.nearest(queries, w, k, progress)}, with the
   * neighbours' row positions in {@code base} (which the driver holds; its ids must be those of
   * {@code m}).
   *
   * @param m the rows the neighbours are drawn from
   * @param base the same rows on the driver, for the row positions. Not modified.
   * @param queries the query rows, with their vocabulary ids. Not modified.
   * @param metric the metric of the distances
   * @param k neighbours per query row, at least 1 and at most the candidates ({@code m.rows()},
   *     less one for a query whose id is among the rows)
   * @return the neighbours, nearest first, as the single-machine kernel returns them
   * @throws IllegalStateException if a neighbour's id is not a row of {@code base}, or {@code k}
   *     exceeds a query's candidates
   */
  public Neighbours nearest(
      RowBlocks m, EmbeddingMatrix base, EmbeddingMatrix queries, MetricSpace metric, int k) {
    SparkKnn.Result r = Jobs.run(() -> SparkKnn.query(sc, m, queries, metric, k));
    int[] idx = new int[r.ids().length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = base.rowOf(r.ids()[i]);
      if (idx[i] < 0) {
        throw new IllegalStateException("neighbour id " + r.ids()[i] + " is not a row of base");
      }
    }
    return new Neighbours(queries, base, metric, k, idx, r.dist());
  }

  static final class Densest implements Serializable {
    private static final long serialVersionUID = 1L;
    final int position;
    final int id;
    final double meanDistance;
    final double density;

    Densest(int position, int id, double meanDistance, double density) {
      this.position = position;
      this.id = id;
      this.meanDistance = meanDistance;
      this.density = density;
    }

    /** Smaller mean distance, then the lower row (as {@code DensityField.densestRow}). */
    static Densest better(Densest a, Densest b) {
      int c = Double.compare(a.meanDistance, b.meanDistance);
      return c < 0 || (c == 0 && a.position < b.position) ? a : b;
    }
  }

  /**
   * The library's own density field of one block's lists (so densities and log volumetric densities
   * are its formulas, not copies): the queries matrix carries only the ids.
   */
  static DensityField field(NeighbourBlock nb) {
    int rows = nb.rows();
    EmbeddingMatrix idsOnly = EmbeddingMatrix.wrap(new float[rows], rows, 1);
    if (rows > 0) {
      idsOnly = idsOnly.withIds(nb.idArray());
    }
    Neighbours n =
        new Neighbours(
            idsOnly,
            idsOnly,
            MetricSpace.euclidean(),
            nb.k(),
            new int[rows * nb.k()],
            nb.distanceArray());
    return DensityField.of(n);
  }

  private static BlockValues values(NeighbourBlock nb, double[] v) {
    return new BlockValues(nb.index(), nb.start(), nb.idArray(), v);
  }

  // ------------------------------------------------------------------ pairwise statistics

  /**
   * Count, min, exact median, mean, max and exact zeros of the distances of all pairs {@code i <
   * j}: {@code DistanceStatistics.of(w, kernel, progress)} with a kernel of {@code metric}.
   *
   * @param m the rows, at least two
   * @param metric the metric of the distances
   * @return the statistics, in the units of {@code metric}
   * @throws IllegalArgumentException if {@code m} has fewer than two rows
   */
  public DistanceStatistics pairwiseStatistics(RowBlocks m, MetricSpace metric) {
    return Jobs.run(() -> PairwiseJob.run(sc, m, metric));
  }

  // ------------------------------------------------------------------ moments

  /**
   * Mean and biased covariance, {@code ComputeBackend.covariance(w, ProgressListener.NONE)} of the
   * CPU backend, bit for bit: two passes on the cluster. The input is read once: its blocks stay in
   * executor memory (spilling to disk) between the two passes, and are dropped afterwards unless
   * the caller had persisted them. A PCA is {@code Pca.fit(covariance(m), progress)}, the causal
   * metric {@code CausalMetric.inverseOf(covariance(m), ridge, progress)}, on the driver.
   *
   * @param m the rows, at least one
   * @return mean, d x d matrix and N
   * @throws IllegalArgumentException if {@code m} has no rows
   */
  public Covariance covariance(RowBlocks m) {
    return readOnce(m, () -> Jobs.run(() -> MomentsJob.moments(sc, m)));
  }

  /**
   * Runs the mean and the covariance on the blocks kept in executor memory (spilling to disk), so
   * that the input is read once, not once per pass; the blocks are dropped afterwards unless the
   * caller had persisted them.
   */
  private static <T> T readOnce(RowBlocks m, java.util.function.Supplier<T> passes) {
    boolean mine = m.rdd().getStorageLevel().equals(StorageLevel.NONE());
    if (mine) {
      m.rdd().persist(StorageLevel.MEMORY_AND_DISK());
    }
    try {
      return passes.get();
    } finally {
      if (mine) {
        m.rdd().unpersist(false);
      }
    }
  }

  // ------------------------------------------------------------------ output

  /**
   * Writes the k-NN lists into the folder {@code dir} (a path or any Hadoop URI), committed whole:
   * one safetensors file per block, {@code part-NNNNN.safetensors} with {@code ids} [rows] i64,
   * {@code neighbour_ids} [rows, k] i64, {@code distances} [rows, k] f32 and {@code density} [rows]
   * f64, written by the executors into a temporary folder beside {@code dir}; then {@code
   * manifest.json} (rows, d, k, metric, blocks, the parts, the source's name and checksum) and
   * {@code _SUCCESS}; then the folder takes the name {@code dir}. A previous output there (a folder
   * with {@code _SUCCESS}) is replaced as a whole, so no part of it remains; a failed job leaves it
   * untouched.
   *
   * <p>The source checksum is the sum, modulo 2<sup>64</sup>, over the rows of the first 8 bytes
   * (big-endian) of SHA-256 of (row index, vocabulary id, the row's float32 bits), as 16 hex
   * digits: it does not depend on the block count and changes with any row.
   *
   * @param m the rows the lists were computed from (read again for the checksum)
   * @param metric the metric of the lists, named in the manifest
   * @param knn the lists, from {@link #nearest(RowBlocks, MetricSpace, int)} on {@code m}
   * @param dir the output folder; its parent is created if missing
   * @throws IllegalArgumentException if {@code dir} is a file or a non-empty folder without {@code
   *     _SUCCESS}, or the lists do not cover the rows of {@code m}
   * @throws UncheckedIOException if a file cannot be written or renamed
   */
  public void writeNeighbours(
      RowBlocks m, MetricSpace metric, JavaRDD<NeighbourBlock> knn, String dir) {
    HashMap<String, String> conf = FileSource.pairs(sc.hadoopConfiguration());
    OutputCommit commit = OutputCommit.begin(sc.hadoopConfiguration(), dir);
    String temp = commit.tempDir();
    try {
      List<long[]> parts =
          Jobs.run(
              () ->
                  knn.map(
                          nb -> {
                            double[] density = field(nb).densities();
                            long[] ids = new long[nb.rows()];
                            long[] nbr = new long[nb.rows() * nb.k()];
                            for (int i = 0; i < ids.length; i++) {
                              ids[i] = nb.id(i);
                            }
                            for (int i = 0; i < nbr.length; i++) {
                              nbr[i] = nb.neighbourArray()[i];
                            }
                            write(
                                FileSource.configuration(conf),
                                temp,
                                partName(nb.index()),
                                List.of(
                                    Tensors.of("ids", ids, ids.length),
                                    Tensors.of("neighbour_ids", nbr, nb.rows(), nb.k()),
                                    Tensors.of("distances", nb.distanceArray(), nb.rows(), nb.k()),
                                    Tensors.of("density", density, density.length)));
                            return new long[] {nb.index(), nb.start(), nb.rows(), nb.k()};
                          })
                      .collect());
      long rows = parts.stream().mapToLong(p -> p[2]).sum();
      if (rows != m.rows() || parts.size() != m.blocks()) {
        throw new IllegalArgumentException(
            "the k-NN lists hold "
                + rows
                + " rows in "
                + parts.size()
                + " blocks; the matrix has "
                + m.rows()
                + " in "
                + m.blocks());
      }
      String checksum = m.recordedChecksum();
      commit.commit(manifest(m, metric, parts, checksum != null ? checksum : sourceChecksum(m)));
    } catch (RuntimeException e) {
      commit.abort();
      throw e;
    }
  }

  private static String partName(long index) {
    return String.format(Locale.ROOT, "part-%05d.safetensors", index);
  }

  private static String manifest(
      RowBlocks m, MetricSpace metric, List<long[]> parts, String checksum) {
    List<long[]> sorted = new java.util.ArrayList<>(parts);
    sorted.sort(java.util.Comparator.comparingLong(p -> p[0]));
    StringBuilder json = new StringBuilder();
    json.append("{\"format\": \"embedding-geometry k-NN parts\", \"rows\": ")
        .append(m.rows())
        .append(", \"d\": ")
        .append(m.dim())
        .append(", \"k\": ")
        .append(sorted.isEmpty() ? 0 : sorted.get(0)[3])
        .append(", \"metric\": \"")
        .append(jsonText(metric.name()))
        .append("\", \"blocks\": ")
        .append(sorted.size())
        .append(", \"source\": \"")
        .append(jsonText(m.name()))
        .append("\", \"source_checksum\": \"")
        .append(checksum)
        .append("\", \"parts\": [");
    for (int i = 0; i < sorted.size(); i++) {
      long[] p = sorted.get(i);
      json.append(i == 0 ? "" : ", ")
          .append("{\"file\": \"")
          .append(partName(p[0]))
          .append("\", \"start\": ")
          .append(p[1])
          .append(", \"rows\": ")
          .append(p[2])
          .append('}');
    }
    return json.append("]}\n").toString();
  }

  private static String jsonText(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * See {@link #writeNeighbours}: a sum of per-row hashes, whatever the blocks. Reads the blocks;
   * {@link RowBlocks#recordedChecksum()} has it without a read once a k-NN has read them.
   */
  static String sourceChecksum(RowBlocks m) {
    return RowBlocks.checksumText(
        Jobs.run(() -> m.rdd().map(SparkAnalyses::rowHashes).fold(0L, Long::sum)));
  }

  /**
   * The block's part of the source checksum: the sum, modulo 2^64, of the first 8 bytes (a
   * big-endian long) of SHA-256 over each row's position, id and float32 bits (little endian).
   */
  static long rowHashes(RowBlock b) throws java.security.NoSuchAlgorithmException {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    java.nio.ByteBuffer row =
        java.nio.ByteBuffer.allocate(16 + 4 * b.dim()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    float[] x = b.data();
    long s = 0;
    for (int i = 0; i < b.rows(); i++) {
      row.clear();
      row.putLong(b.start() + i).putLong(b.id(i));
      for (int j = 0; j < b.dim(); j++) {
        row.putInt(Float.floatToRawIntBits(x[i * b.dim() + j]));
      }
      s += java.nio.ByteBuffer.wrap(sha.digest(row.array())).getLong();
    }
    return s;
  }

  private static void write(
      org.apache.hadoop.conf.Configuration conf,
      String dir,
      String name,
      List<io.github.embeddinggeometry.io.tensor.Tensor> tensors) {
    try {
      java.nio.file.Path local = Files.createTempFile("embgeo-part", ".safetensors");
      try {
        SafetensorsWriter.write(local, tensors);
        Path target = new Path(dir, name);
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = new Path(dir, "." + name + ".tmp-" + java.util.UUID.randomUUID());
        fs.mkdirs(new Path(dir));
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
          fs.delete(tmp, false);
          throw new IOException("could not rename " + tmp + " to " + target);
        }
      } finally {
        Files.deleteIfExists(local);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + "/" + name + ": " + e.getMessage(), e);
    }
  }
}
