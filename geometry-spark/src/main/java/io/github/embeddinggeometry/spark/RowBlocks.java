package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * A distributed N x d matrix: B blocks of consecutive rows in vocabulary-id order, block b in
 * partition b ({@link RowBlock}). The driver knows only the shape and where each block starts,
 * never the values.
 *
 * <p>Results never depend on where the blocks are cut (that is what makes them equal to the
 * single-machine ones), so blocks may be of unequal size; B sets the parallelism and the memory of
 * a task (geometry-spark/README.md).
 *
 * @since 0.1
 */
public final class RowBlocks {
  private final JavaRDD<RowBlock> rdd;
  private final int rows;
  private final int dim;
  private final int[] starts;
  private final String name;

  /** Any rows read without the RDD; null when the rows exist only in it. */
  private final Rows source;

  /** Whether the driver reads rows of {@link #source} cheaply. */
  private final boolean sourceLocal;

  /**
   * Per block (by its first row) the sum of its row hashes, as a k-NN's read of the blocks recorded
   * them ({@link SparkAnalyses#nearest}): the source checksum of {@link
   * SparkAnalyses#writeNeighbours} without reading the source again. Driver side only.
   */
  private final java.util.Map<Integer, Long> blockChecksums =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Frees the driver-held copies behind {@link #of}; see {@link #release()}. */
  private Runnable release = () -> {};

  private RowBlocks(JavaRDD<RowBlock> rdd, int rows, int dim, int[] starts, String name) {
    this(rdd, rows, dim, starts, name, null, false);
  }

  private RowBlocks(
      JavaRDD<RowBlock> rdd,
      int rows,
      int dim,
      int[] starts,
      String name,
      Rows source,
      boolean sourceLocal) {
    this.rdd = rdd;
    this.rows = rows;
    this.dim = dim;
    this.starts = starts;
    this.name = name;
    this.source = source;
    this.sourceLocal = sourceLocal;
  }

  /**
   * Rows of the matrix read wherever the caller runs, a task or the driver, without the RDD: the
   * pairwise statistics cut blocks of their own from it and read each pair's two blocks in the pair
   * task, with no shuffle.
   */
  @FunctionalInterface
  interface Rows extends java.io.Serializable {
    /**
     * Rows {@code [from, to)}, numbered {@code index}; may share arrays with the source (never to
     * be modified).
     */
    RowBlock read(int index, int from, int to);

    /**
     * Single rows (a sample), ascending, row-major in one array of {@code rows.length x dim}; by
     * default one {@link #read} each.
     */
    default float[] rows(int[] rows, int dim) {
      float[] out = new float[Math.multiplyExact(rows.length, dim)];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(read(0, rows[i], rows[i] + 1).data(), 0, out, i * dim, dim);
      }
      return out;
    }
  }

  /** The rows without the RDD, or null when they exist only in it (rows of a pipeline, mapped). */
  Rows source() {
    return source;
  }

  /**
   * Whether the driver reads single rows of {@link #source()} cheaply: a broadcast it holds, or a
   * file on a local (or mounted) file system, where a row is a positioned read of the page cache
   * rather than a request to HDFS or an object store.
   */
  boolean sourceLocal() {
    return source != null && sourceLocal;
  }

  /**
   * W from a file every executor can reach, read block by block by the tasks: {@code
   * FILE.safetensors[:TENSOR]}, {@code FILE.npy} or a Hugging Face model folder, as a path or any
   * Hadoop URI ({@code hdfs://}, {@code s3a://}, ...). Vocabulary ids are the row numbers. The
   * driver reads the header only.
   *
   * <p>Nothing runs yet: the blocks are read by the first job that uses them, which fails with
   * {@link NonFiniteRowException} for a row holding NaN or infinity, and with {@link
   * UncheckedIOException} for a block that cannot be read.
   *
   * @param sc the context the blocks live in
   * @param spec where W is: {@code FILE.safetensors[:TENSOR]}, {@code FILE.npy} or a model folder
   * @param blocks B, at least 1; more blocks than rows gives one block per row
   * @return the matrix, cut into nearly equal blocks
   * @throws IOException if the header cannot be read or is malformed (naming the file), or the file
   *     does not exist
   * @throws IllegalArgumentException if {@code blocks < 1}, the file is of another kind, or the
   *     tensor is missing or not a 2-D matrix
   */
  public static RowBlocks read(JavaSparkContext sc, String spec, int blocks) throws IOException {
    FileSource src = FileSource.resolve(spec, sc.hadoopConfiguration());
    int[] starts = even(src.rows, blocks);
    Broadcast<HashMap<String, String>> conf =
        sc.broadcast(FileSource.pairs(sc.hadoopConfiguration()));
    FileRows rows = new FileRows(src, conf);
    boolean local =
        new org.apache.hadoop.fs.Path(src.file).getFileSystem(sc.hadoopConfiguration())
            instanceof org.apache.hadoop.fs.LocalFileSystem;
    return new RowBlocks(
        blocks(sc, starts, rows), src.rows, src.dim, starts, src.toString(), rows, local);
  }

  /** The blocks of {@code starts}, each read by its task from {@code rows}. */
  private static JavaRDD<RowBlock> blocks(JavaSparkContext sc, int[] starts, Rows rows) {
    return indices(sc, starts.length - 1).map(i -> rows.read(i, starts[i], starts[i + 1]));
  }

  /** Rows of a file, through Hadoop's FileSystem with the driver's configuration. */
  private static final class FileRows implements Rows {
    private static final long serialVersionUID = 1L;
    private final FileSource src;
    private final Broadcast<HashMap<String, String>> conf;

    /** Built once per deserialized copy: a configuration of every pair is not free. */
    private transient org.apache.hadoop.conf.Configuration hadoop;

    FileRows(FileSource src, Broadcast<HashMap<String, String>> conf) {
      this.src = src;
      this.conf = conf;
    }

    @Override
    public RowBlock read(int index, int from, int to) {
      try {
        return src.read(hadoop(), index, from, to);
      } catch (IOException e) {
        throw new UncheckedIOException(src.file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public float[] rows(int[] rows, int dim) {
      try {
        return src.readRows(hadoop(), rows);
      } catch (IOException e) {
        throw new UncheckedIOException(src.file + ": " + e.getMessage(), e);
      }
    }

    private org.apache.hadoop.conf.Configuration hadoop() {
      if (hadoop == null) {
        hadoop = FileSource.configuration(conf.value());
      }
      return hadoop;
    }
  }

  /** Rows of a staged file, carrying the caller's ids instead of positions. */
  private static final class Relabeled implements Rows {
    private static final long serialVersionUID = 1L;
    private final Rows file;
    private final Broadcast<int[]> ids;

    Relabeled(Rows file, Broadcast<int[]> ids) {
      this.file = file;
      this.ids = ids;
    }

    @Override
    public RowBlock read(int index, int from, int to) {
      RowBlock blk = file.read(index, from, to);
      return new RowBlock(
          index, from, blk.dim(), Arrays.copyOfRange(ids.value(), from, to), blk.data());
    }

    @Override
    public float[] rows(int[] rows, int dim) {
      return file.rows(rows, dim);
    }
  }

  /**
   * The Spark property naming a folder (a path or any Hadoop URI every executor can read) where
   * {@link #of} stages a matrix the driver holds, instead of broadcasting it.
   */
  public static final String STAGE = "spark.embgeo.stage";

  /**
   * A matrix the driver already holds (for matrices that fit the driver; {@link #read} never loads
   * W there). The values never ride in a task description, whose size {@code
   * spark.rpc.message.maxSize} limits: each block travels as a broadcast of its own (an executor
   * fetches only the blocks its tasks use, in {@code spark.broadcast.blockSize} pieces), or, when
   * the property {@value #STAGE} (a local property of the context, else its configuration) names a
   * folder, the driver writes W there once as a safetensors file (temporary name, then rename) and
   * the tasks read their blocks from it as from {@link #read}. {@link #release()} frees either
   * copy. The rows are not checked for finiteness.
   *
   * @param sc the context the blocks live in
   * @param w the rows, with their vocabulary ids. Not modified; the blocks hold copies.
   * @param blocks B, at least 1; more blocks than rows gives one block per row
   * @return the matrix, cut into nearly equal blocks
   * @throws IllegalArgumentException if {@code blocks < 1}
   * @throws UncheckedIOException if the staged copy cannot be written (naming the folder)
   */
  public static RowBlocks of(JavaSparkContext sc, EmbeddingMatrix w, int blocks) {
    int[] starts = even(w.rows(), blocks);
    String stage = sc.getLocalProperty(STAGE);
    stage = stage != null ? stage : sc.getConf().get(STAGE, "");
    if (!stage.isEmpty() && w.rows() > 0) {
      return staged(sc, w, starts, stage);
    }
    ArrayList<Broadcast<RowBlock>> parts = new ArrayList<>();
    for (int b = 0; b + 1 < starts.length; b++) {
      // slice is a view, compact its copy: the block never shares the caller's array
      EmbeddingMatrix part = w.slice(starts[b], starts[b + 1]).compact();
      parts.add(sc.broadcast(new RowBlock(b, starts[b], w.dim(), part.ids(), part.backingArray())));
    }
    Rows rows = new BroadcastRows(parts, starts, w.dim());
    RowBlocks m =
        new RowBlocks(
            blocks(sc, starts, rows), w.rows(), w.dim(), starts, w.toString(), rows, true);
    m.release = () -> parts.forEach(Broadcast::destroy);
    return m;
  }

  /** Rows of the broadcast blocks of {@link #of}: a block itself, or a copy across blocks. */
  private static final class BroadcastRows implements Rows {
    private static final long serialVersionUID = 1L;
    private final ArrayList<Broadcast<RowBlock>> parts;
    private final int[] starts;
    private final int dim;

    BroadcastRows(ArrayList<Broadcast<RowBlock>> parts, int[] starts, int dim) {
      this.parts = parts;
      this.starts = starts;
      this.dim = dim;
    }

    @Override
    public RowBlock read(int index, int from, int to) {
      int p = Arrays.binarySearch(starts, from);
      p = p >= 0 ? p : -p - 2;
      if (starts[p] == from && starts[p + 1] == to) {
        RowBlock b = parts.get(p).value();
        return new RowBlock(index, from, dim, b.idArray(), b.data());
      }
      int[] ids = new int[to - from];
      float[] data = new float[Math.multiplyExact(to - from, dim)];
      for (int r = from; r < to; p++) {
        RowBlock b = parts.get(p).value();
        int end = Math.min(to, starts[p + 1]);
        System.arraycopy(b.idArray(), r - starts[p], ids, r - from, end - r);
        System.arraycopy(b.data(), (r - starts[p]) * dim, data, (r - from) * dim, (end - r) * dim);
        r = end;
      }
      return new RowBlock(index, from, dim, ids, data);
    }
  }

  /** W written once into the stage folder, read back block by block by the tasks. */
  private static RowBlocks staged(
      JavaSparkContext sc, EmbeddingMatrix w, int[] starts, String dir) {
    org.apache.hadoop.conf.Configuration conf = sc.hadoopConfiguration();
    String name = "embgeo-stage-" + java.util.UUID.randomUUID();
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, name + ".safetensors");
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir, "." + name + ".tmp");
    org.apache.hadoop.fs.FileSystem fs;
    try {
      fs = target.getFileSystem(conf);
      EmbeddingMatrix c = w.compact();
      try (java.nio.channels.WritableByteChannel out =
          java.nio.channels.Channels.newChannel(fs.create(tmp, true))) {
        io.github.embeddinggeometry.io.safetensors.SafetensorsWriter.write(
            out,
            java.util.Map.of(),
            List.of(
                io.github.embeddinggeometry.io.Tensors.of(
                    "W", c.backingArray(), c.rows(), c.dim())));
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      // Gone when the driver's JVM ends, whatever happens to the job.
      fs.deleteOnExit(target);
    } catch (IOException e) {
      throw new UncheckedIOException(
          STAGE + " = " + dir + ": cannot stage the matrix there: " + e.getMessage(), e);
    }
    RowBlocks read;
    try {
      read = read(sc, target.toString(), starts.length - 1);
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": " + e.getMessage(), e);
    }
    // The file's rows carry positions as ids; the caller's ids travel as one broadcast.
    Broadcast<int[]> ids = sc.broadcast(w.ids());
    Rows rows = new Relabeled(read.source, ids);
    RowBlocks m =
        new RowBlocks(
            blocks(sc, starts, rows),
            w.rows(),
            w.dim(),
            starts,
            w.toString(),
            rows,
            read.sourceLocal);
    org.apache.hadoop.fs.FileSystem staged = fs;
    m.release =
        () -> {
          ids.destroy();
          try {
            staged.delete(target, false);
          } catch (IOException e) {
            throw new UncheckedIOException(target + ": " + e.getMessage(), e);
          }
        };
    return m;
  }

  /** B tiny partitions holding only their own index: what a task description carries. */
  private static JavaRDD<Integer> indices(JavaSparkContext sc, int b) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      idx.add(i);
    }
    return sc.parallelize(idx, Math.max(1, b));
  }

  /**
   * Frees what {@link #of} keeps for the tasks (the blocks' broadcasts, or the staged file); a
   * no-op for other matrices. Call it after the last job on this matrix (and on results computed
   * from it that are not persisted): a later job fails.
   */
  public void release() {
    Runnable r = release;
    release = () -> {};
    r.run();
  }

  /**
   * Rows from the caller's own pipeline: (vocabulary id, values) pairs, in any order and
   * partitioning. They are sorted by id into {@code blocks} range partitions (one shuffle), which
   * become the blocks. Sorting and counting run at once; the rows are checked when a later job
   * builds the blocks.
   *
   * @param rows (vocabulary id, values) pairs. The arrays are copied into the blocks.
   * @param dim row length d, at least 1
   * @param blocks B, at least 1; range partitioning may give fewer
   * @return the matrix, block b holding the rows of sorted partition b
   * @throws IllegalArgumentException if {@code dim < 1} or {@code blocks < 1}; and, when a job
   *     runs, for a negative or repeated id or a row whose length is not {@code dim} ({@link
   *     NonFiniteRowException} for a row holding NaN or infinity)
   */
  public static RowBlocks fromRows(JavaPairRDD<Integer, float[]> rows, int dim, int blocks) {
    if (dim < 1 || blocks < 1) {
      throw new IllegalArgumentException("need dim >= 1 and blocks >= 1");
    }
    JavaPairRDD<Integer, float[]> sorted = rows.sortByKey(true, blocks);
    List<Integer> counts =
        sorted
            .mapPartitions(
                it -> {
                  int c = 0;
                  for (; it.hasNext(); it.next()) {
                    c++;
                  }
                  return List.of(c).iterator();
                })
            .collect();
    int[] starts = new int[counts.size() + 1];
    for (int p = 0; p < counts.size(); p++) {
      starts[p + 1] = Math.addExact(starts[p], counts.get(p));
    }
    int[] st = starts.clone();
    JavaRDD<RowBlock> rdd =
        sorted.mapPartitionsWithIndex(
            (p, it) -> List.of(block(p, st[p], dim, it)).iterator(), true);
    return new RowBlocks(rdd, starts[starts.length - 1], dim, starts, "rows");
  }

  private static RowBlock block(int p, int start, int dim, Iterator<Tuple2<Integer, float[]>> it) {
    int[] ids = new int[16];
    float[] data = new float[16 * dim];
    int n = 0;
    while (it.hasNext()) {
      Tuple2<Integer, float[]> t = it.next();
      int id = t._1();
      float[] v = t._2();
      if (id < 0 || (n > 0 && id == ids[n - 1])) {
        throw new IllegalArgumentException(
            "vocabulary id " + id + (id < 0 ? " is negative" : " appears twice"));
      }
      if (v == null || v.length != dim) {
        throw new IllegalArgumentException(
            "row of vocabulary id "
                + id
                + " has "
                + (v == null ? 0 : v.length)
                + " values, not "
                + dim);
      }
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, n * 2);
        data = Arrays.copyOf(data, Math.multiplyExact(n * 2, dim));
      }
      ids[n] = id;
      System.arraycopy(v, 0, data, n * dim, dim);
      n++;
    }
    return new RowBlock(p, start, dim, Arrays.copyOf(ids, n), Arrays.copyOf(data, n * dim))
        .requireFinite();
  }

  /** Block starts of n rows cut into at most {@code blocks} nearly equal, non-empty blocks. */
  static int[] even(int n, int blocks) {
    if (blocks < 1) {
      throw new IllegalArgumentException("need at least one block; got " + blocks);
    }
    int b = Math.max(1, Math.min(blocks, n));
    int[] s = new int[b + 1];
    for (int i = 0; i <= b; i++) {
      s[i] = (int) ((long) n * i / b);
    }
    return s;
  }

  /**
   * The blocks, for jobs of the caller's own.
   *
   * @return the RDD, block b in partition b. Not copied: caching it caches this matrix.
   */
  public JavaRDD<RowBlock> rdd() {
    return rdd;
  }

  /**
   * Rows of the matrix.
   *
   * @return N, known on the driver without a job
   */
  public int rows() {
    return rows;
  }

  /**
   * Row length.
   *
   * @return d
   */
  public int dim() {
    return dim;
  }

  /**
   * Number of blocks.
   *
   * @return B, at least 1
   */
  public int blocks() {
    return starts.length - 1;
  }

  /**
   * Row position of the first row of a block.
   *
   * @param b the block, in {@code [0, B]}; {@code b = B} gives N
   * @return the rank of the block's first id among all ids
   * @throws ArrayIndexOutOfBoundsException if {@code b} is outside {@code [0, B]}
   */
  public int start(int b) {
    return starts[b];
  }

  /**
   * Where the rows came from, for messages.
   *
   * @return the file spec or a description of the source
   */
  public String name() {
    return name;
  }

  /**
   * Keeps the blocks in executor memory once computed, so that several analyses in a row read the
   * input once. Runs nothing.
   *
   * @return this matrix
   */
  public RowBlocks cache() {
    rdd.cache();
    return this;
  }

  /** Blocks with known starts (a selection). */
  static RowBlocks withStarts(JavaRDD<RowBlock> rdd, int dim, int[] starts, String name) {
    return new RowBlocks(rdd, starts[starts.length - 1], dim, starts, name);
  }

  /** Records {@code {block start, row-hash sum}} pairs of a job that read every block. */
  void recordChecksums(List<long[]> sums) {
    for (long[] e : sums) {
      blockChecksums.put((int) e[0], e[1]);
    }
  }

  /** The source checksum from recorded block sums when every block has one, else null. */
  String recordedChecksum() {
    if (blockChecksums.size() != blocks()) {
      return null;
    }
    long sum = 0;
    for (long v : blockChecksums.values()) {
      sum += v;
    }
    return checksumText(sum);
  }

  static String checksumText(long sum) {
    return String.format(java.util.Locale.ROOT, "%016x", sum);
  }

  /** The same matrix over other blocks' RDD (e.g. mapped rows); same starts. */
  RowBlocks withRdd(JavaRDD<RowBlock> other, String what) {
    return new RowBlocks(other, rows, dim, starts, what);
  }

  @Override
  public String toString() {
    return name + " [" + rows + " x " + dim + " in " + blocks() + " blocks]";
  }
}
