package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.spi.cpu.BlockKnn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;

/**
 * What the all-rows k-NN will cost before anything runs: the bytes each stage reads and shuffles
 * (serialized, before Spark's shuffle compression, which can only shrink them), the memory of a
 * task, the number of blocks, and a predicted time from the measured kernel rate.
 *
 * <p>Rows per block {@code r = N / B}. A pair task holds two blocks, a packed copy of one, two
 * heaps and their lists: about {@code r (12 d + 40 k)} bytes plus 64 MB of tiles and buffers; an
 * executor running {@code c} tasks at once needs {@code 300 MB + 1.5 c (r (12 d + 40 k) + 64 MB)}
 * of heap (300 MB is Spark's reserve, 1.5 the headroom for shuffle buffers and the garbage
 * collector). B is the smallest number that fits that memory and gives at least two pair tasks per
 * core, capped by the data ({@link #chooseBlocks(long, int, int, Cluster)}); the cores and memory
 * are each executor's own ({@link Cluster}), never the cluster's total as one executor's.
 *
 * @since 0.1
 */
public final class Planner {
  /** Java-serialization bytes per shuffled record beside its arrays (descriptors, headers). */
  static final long RECORD_OVERHEAD = 400;

  /** Spark's reserved heap. */
  static final long RESERVED = 300L << 20;

  /** Tiles, scratch and shuffle buffers of one task. */
  static final long TASK_FIXED = 64L << 20;

  private Planner() {}

  /**
   * One stage of the plan.
   *
   * @param name what the stage does
   * @param tasks Spark tasks of the stage
   * @param readBytes bytes read from the input file
   * @param shuffleWrite serialized bytes the stage writes to the shuffle
   * @param shuffleRead serialized bytes the stage reads from the shuffle
   * @param seconds predicted time of the stage
   */
  public record Stage(
      String name,
      long tasks,
      long readBytes,
      long shuffleWrite,
      long shuffleRead,
      double seconds) {}

  /**
   * The plan.
   *
   * @param rows N
   * @param dim d
   * @param k neighbours per row
   * @param executors executors of the cluster
   * @param cores cores (concurrent tasks) per executor
   * @param blocks B, given or chosen
   * @param executorMemory heap bytes of one executor, as given
   * @param taskMemory heap bytes of one pair task, for blocks of {@code ceil(N / B)} rows
   * @param rate multiply-adds per second of one core in the distance kernel
   * @param bandwidth network bytes per second of one executor
   * @param stages the three stages, in the order they run
   */
  public record Plan(
      long rows,
      int dim,
      int k,
      int executors,
      int cores,
      int blocks,
      long executorMemory,
      long taskMemory,
      double rate,
      double bandwidth,
      List<Stage> stages) {
    /**
     * Predicted wall time, assuming the stages run one after the other.
     *
     * @return the sum of the stages' times, in seconds
     */
    public double seconds() {
      return stages.stream().mapToDouble(Stage::seconds).sum();
    }

    /**
     * Total bytes written by all shuffles.
     *
     * @return serialized bytes, before Spark's shuffle compression
     */
    public long shuffleBytes() {
      return stages.stream().mapToLong(Stage::shuffleWrite).sum();
    }
  }

  /**
   * Heap bytes of one pair task: {@code r (12 d + 40 k)} plus 64 MB of tiles and buffers.
   *
   * @param r rows per block
   * @param d row length
   * @param k neighbours per row
   * @return bytes
   */
  public static long taskMemory(long r, int d, int k) {
    return r * (12L * d + 40L * k) + TASK_FIXED;
  }

  /**
   * Heap an executor running {@code cores} pair tasks at once needs: Spark's 300 MB reserve plus
   * 1.5 times the tasks' memory (headroom for shuffle buffers and the garbage collector).
   *
   * @param r rows per block
   * @param d row length
   * @param k neighbours per row
   * @param cores pair tasks the executor runs at once
   * @return bytes, to compare with {@code spark.executor.memory}
   */
  public static long executorMemory(long r, int d, int k, int cores) {
    return RESERVED + (long) (1.5 * cores * taskMemory(r, d, k));
  }

  /**
   * A cluster as the planner sees it: what each executor really has, not the cluster's total.
   *
   * @param executors executors running the tasks, at least 1 (local mode: 1, the driver's JVM)
   * @param coresPerExecutor tasks one executor runs at once, at least 1
   * @param executorMemory heap bytes of one executor
   * @param shuffleSpace bytes of disk the shuffle may fill, {@link Long#MAX_VALUE} when unknown
   */
  public record Cluster(
      int executors, int coresPerExecutor, long executorMemory, long shuffleSpace) {
    /**
     * Checks the shape.
     *
     * @param executors executors running the tasks, at least 1
     * @param coresPerExecutor tasks one executor runs at once, at least 1
     * @param executorMemory heap bytes of one executor, positive
     * @param shuffleSpace bytes of disk the shuffle may fill, positive
     * @throws IllegalArgumentException if a count is below 1 or a size not positive
     */
    public Cluster {
      if (executors < 1 || coresPerExecutor < 1 || executorMemory <= 0 || shuffleSpace <= 0) {
        throw new IllegalArgumentException(
            "cluster of "
                + executors
                + " executors x "
                + coresPerExecutor
                + " cores, "
                + executorMemory
                + " bytes each, "
                + shuffleSpace
                + " bytes of shuffle space: every value must be positive");
      }
    }

    /**
     * Tasks the whole cluster runs at once.
     *
     * @return executors x cores per executor
     */
    public int totalCores() {
      return (int) Math.min(Integer.MAX_VALUE, (long) executors * coresPerExecutor);
    }

    @Override
    public String toString() {
      return executors + " executors x " + coresPerExecutor + " cores, " + bytes(executorMemory);
    }
  }

  /** Pair tasks of more blocks would not fit Spark's int partition ids ({@code B (B + 1) / 2}). */
  static final int MAX_BLOCKS = 65_535;

  /** A serialized block must stay under Java's 2 GB array and Spark's 2 GB shuffle block. */
  static final long MAX_BLOCK_BYTES = Integer.MAX_VALUE - (64L << 20);

  /**
   * Multiply-adds a pair task should do at least, about 10 ms of one core: below that, Spark's
   * per-task cost (scheduling, serialization, a shuffle fetch) outweighs the work.
   */
  static final double MIN_TASK_MADDS = 1e8;

  /** Rows per block below which a pair task is mostly overhead ({@link #MIN_TASK_MADDS}). */
  static long minBlockRows(int d) {
    return Math.max(64, (long) Math.ceil(Math.sqrt(MIN_TASK_MADDS / Math.max(1, d))));
  }

  /**
   * The smallest B whose pair tasks fit {@code executorMemory} with {@code coresPerExecutor} at
   * once, with at least two pair tasks per core of the cluster, at most N: {@link
   * #chooseBlocks(long, int, int, Cluster)} on a cluster of {@code totalCores / coresPerExecutor}
   * executors.
   *
   * @param n rows N
   * @param d row length, at least 1
   * @param k neighbours per row
   * @param totalCores cores of the whole cluster
   * @param coresPerExecutor pair tasks one executor runs at once, at least 1
   * @param executorMemory heap bytes of one executor
   * @return B, in {@code [1, max(1, n)]}
   * @throws IllegalArgumentException if no B fits (the message says what to change)
   */
  public static int chooseBlocks(
      long n, int d, int k, int totalCores, int coresPerExecutor, long executorMemory) {
    int c = Math.max(1, coresPerExecutor);
    return chooseBlocks(
        n, d, k, new Cluster(Math.max(1, totalCores / c), c, executorMemory, Long.MAX_VALUE));
  }

  /**
   * B for the pair tasks of N x d rows on a cluster: the fewest blocks whose pair tasks fit an
   * executor's heap with all its cores busy ({@link #executorMemory(long, int, int, int)}), then
   * more until every core of the cluster has two pair tasks, but never so many that a pair task
   * holds fewer than {@link #minBlockRows} rows (the data caps the count: a 384-row matrix is one
   * block on any cluster).
   *
   * @param n rows N
   * @param d row length, at least 1
   * @param k neighbours per row
   * @param cluster the executors, as they really are
   * @return B, in {@code [1, max(1, n)]}
   * @throws IllegalArgumentException if no B fits: an executor's heap too small for its cores, more
   *     than {@value #MAX_BLOCKS} blocks needed, or a predicted shuffle larger than the cluster's
   *     shuffle space; the message says which setting to change
   */
  public static int chooseBlocks(long n, int d, int k, Cluster cluster) {
    int cores = cluster.coresPerExecutor();
    long mem = cluster.executorMemory();
    long perRow = 12L * d + 40L * k;
    long perTask = (long) ((mem - RESERVED) / (1.5 * cores)) - TASK_FIXED;
    long rMax = Math.min(perTask / perRow, MAX_BLOCK_BYTES / (4L * d + 4));
    if (rMax < 1) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "an executor heap of %s cannot run %d pair tasks at once (d = %,d, k = %d): give"
                  + " spark.executor.memory at least %s, or fewer spark.executor.cores",
              bytes(mem),
              cores,
              d,
              k,
              bytes(executorMemory(1, d, k, cores))));
    }
    long byMemory = Math.max(1, (n + rMax - 1) / rMax);
    if (byMemory > MAX_BLOCKS) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%,d rows of d = %,d need %,d blocks to fit an executor heap of %s with %d tasks at"
                  + " once (at most %,d blocks): give spark.executor.memory more, or fewer"
                  + " spark.executor.cores",
              n,
              d,
              byMemory,
              bytes(mem),
              cores,
              MAX_BLOCKS));
    }
    long byCores = 1;
    while (byCores * (byCores + 1) / 2 < 2L * cluster.totalCores()) {
      byCores++;
    }
    long byData = Math.max(1, n / minBlockRows(d));
    long b = Math.max(byMemory, Math.min(byCores, byData));
    b = Math.max(1, Math.min(b, Math.max(1, n)));
    long shuffle = pairWork(n, d, k, (int) b).shuffle();
    if (shuffle > cluster.shuffleSpace()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the k-NN of %,d x %,d rows in %d blocks shuffles about %s, more than the %s of"
                  + " shuffle space: give spark.local.dir more room (%s: the space of one"
                  + " executor), or executors more memory (fewer blocks)",
              n,
              d,
              b,
              bytes(shuffle),
              bytes(cluster.shuffleSpace()),
              SHUFFLE_SPACE));
    }
    return (int) b;
  }

  /**
   * Smallest share of the cluster's task slots the pairwise statistics' tasks keep busy over their
   * rounds ({@link #pairwiseBlocks}).
   */
  static final double MIN_SLOT_FILL = 0.9;

  /**
   * B for the pairwise statistics when their pair tasks read their blocks from the source (no
   * shuffle, so B need not be the matrix's): the smallest even B, at least {@code blocks} (the
   * matrix's, whose blocks fit a task's memory), whose {@link Pairs#balancedCount} tasks of equal
   * work ({@code r^2} distances: an off-diagonal pair, or two diagonal triangles) keep the
   * cluster's slots at least {@value #MIN_SLOT_FILL} busy (tasks / (rounds x slots)); more blocks
   * stop where a task would hold fewer than {@link #minBlockRows} rows, and then the fullest
   * candidate wins. The k-NN's B ({@link #chooseBlocks(long, int, int, Cluster)}) gives pair tasks
   * of two sizes (a diagonal pair has half the distances): on {@code local[2]} its 3 blocks make 3
   * + 3 tasks of 1 and 1/2, whose best schedule leaves one slot idle for a tenth of the run.
   *
   * @param n rows N
   * @param d row length, at least 1
   * @param blocks the matrix's B, at least 1
   * @param slots tasks the cluster runs at once, at least 1
   * @return B, at least {@code blocks}, at most {@code max(blocks, n)}
   */
  static int pairwiseBlocks(long n, int d, int blocks, int slots) {
    if (blocks < 1 || slots < 1) {
      throw new IllegalArgumentException(
          "need blocks >= 1 and slots >= 1; got " + blocks + " and " + slots);
    }
    long cap = n / minBlockRows(d);
    long first = Math.max(2, blocks + (blocks & 1));
    if (first > n || (blocks == 1 && cap < 2)) {
      return blocks;
    }
    long last = Math.max(first, Math.min(MAX_BLOCKS - 1, cap));
    long best = first;
    double bestFill = 0;
    for (long b = first; b <= last; b += 2) {
      long tasks = Pairs.balancedCount((int) b);
      long rounds = (tasks + slots - 1) / slots;
      double fill = (double) tasks / (rounds * slots);
      if (fill > bestFill) {
        best = b;
        bestFill = fill;
      }
      if (fill >= MIN_SLOT_FILL) {
        break;
      }
    }
    return (int) best;
  }

  /**
   * B for a running context: {@link #chooseBlocks(long, int, int, Cluster)} on {@link
   * #cluster(org.apache.spark.api.java.JavaSparkContext)}, logged in one INFO line. The choice of
   * {@code geometry --spark} and {@link SparkBackend}.
   */
  static int chooseBlocks(org.apache.spark.api.java.JavaSparkContext sc, int n, int d, int k) {
    Cluster c = cluster(sc);
    int b = chooseBlocks(n, d, k, c);
    LOG.log(
        System.Logger.Level.INFO,
        () ->
            String.format(
                Locale.ROOT,
                "plan: %,d x %,d rows, k = %d on %s: %d blocks of %,d rows, %,d pair tasks,"
                    + " about %s shuffled",
                n,
                d,
                k,
                c,
                b,
                (n + b - 1) / b,
                Pairs.count(b),
                bytes(pairWork(n, d, k, b).shuffle())));
    return b;
  }

  private static final System.Logger LOG = System.getLogger(Planner.class.getName());

  /** How long {@link #cluster} waits for the first executor of a cluster to register. */
  static final long REGISTRATION_WAIT_MS = 30_000;

  private static final java.util.regex.Pattern LOCAL =
      java.util.regex.Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?");

  /**
   * The cluster of a running context. Local mode ({@code local}, {@code local[N]}, {@code
   * local[*]}, {@code local[N,F]}): one executor, the driver's JVM, with N cores and this JVM's
   * heap. A cluster: the executors registered with the driver (waiting up to {@value
   * #REGISTRATION_WAIT_MS} ms for the first), each with the cores it reported and {@code
   * spark.executor.memory}; when none registers, the configured {@code spark.executor.instances}
   * and {@code spark.executor.cores} (1 when unset: a standalone executor takes its worker's cores,
   * unknown here).
   */
  static Cluster cluster(org.apache.spark.api.java.JavaSparkContext sc) {
    String master = sc.master();
    java.util.regex.Matcher lm = LOCAL.matcher(master);
    if (lm.matches()) {
      String t = lm.group(1);
      int cores =
          t == null ? 1 : t.equals("*") ? Runtime.getRuntime().availableProcessors() : parse(t);
      java.io.File dir = new java.io.File(localDir(sc.getConf()));
      long space = dir.getUsableSpace();
      return new Cluster(
          1,
          cores,
          Runtime.getRuntime().maxMemory(),
          Math.min(space > 0 ? space : Long.MAX_VALUE, shuffleSpace(sc.getConf(), 1)));
    }
    SparkConf conf = sc.getConf();
    long mem = executorMemory(conf);
    List<org.apache.spark.status.api.v1.ExecutorSummary> registered =
        SparkContexts.executors(sc.sc(), REGISTRATION_WAIT_MS);
    if (!registered.isEmpty()) {
      // The smallest executor sets the memory per task: blocks must fit on every executor.
      int minCores = Integer.MAX_VALUE;
      for (org.apache.spark.status.api.v1.ExecutorSummary e : registered) {
        minCores = Math.min(minCores, e.totalCores());
      }
      return new Cluster(
          registered.size(), minCores, mem, shuffleSpace(conf, registered.size(), registered));
    }
    int cores = conf.getInt("spark.executor.cores", 1);
    int instances =
        conf.getInt("spark.executor.instances", Math.max(1, sc.defaultParallelism() / cores));
    return new Cluster(instances, cores, mem, shuffleSpace(conf, instances));
  }

  /**
   * The Spark property giving the disk space one executor's shuffle files may fill (a size: {@code
   * 200g}); the planner refuses a k-NN whose predicted shuffle exceeds it on all executors, before
   * any task runs.
   */
  static final String SHUFFLE_SPACE = "spark.embgeo.shuffleSpace";

  /** {@value #SHUFFLE_SPACE} times the executors; unlimited when unset. */
  static long shuffleSpace(SparkConf conf, int executors) {
    if (!conf.contains(SHUFFLE_SPACE)) {
      return Long.MAX_VALUE;
    }
    long each = conf.getSizeAsBytes(SHUFFLE_SPACE);
    if (each <= 0) {
      throw new IllegalArgumentException(
          SHUFFLE_SPACE + " must be a positive size such as 200g; got " + conf.get(SHUFFLE_SPACE));
    }
    return each > Long.MAX_VALUE / executors ? Long.MAX_VALUE : each * executors;
  }

  /**
   * The shuffle space of registered executors: {@value #SHUFFLE_SPACE} when set; else, when every
   * executor runs on the driver's own host (a cluster on one machine, as on loopback), the free
   * space of the driver's local folder, which they share; else unknown (unlimited): a remote
   * worker's disks cannot be seen from the driver before a task runs there.
   */
  private static long shuffleSpace(
      SparkConf conf, int executors, List<org.apache.spark.status.api.v1.ExecutorSummary> found) {
    if (conf.contains(SHUFFLE_SPACE)) {
      return shuffleSpace(conf, executors);
    }
    String driver = conf.get("spark.driver.host", "");
    for (org.apache.spark.status.api.v1.ExecutorSummary e : found) {
      String hostPort = e.hostPort();
      int colon = hostPort.lastIndexOf(':');
      if (driver.isEmpty()
          || !(colon < 0 ? hostPort : hostPort.substring(0, colon)).equals(driver)) {
        return Long.MAX_VALUE;
      }
    }
    long space = new java.io.File(localDir(conf)).getUsableSpace();
    return space > 0 ? space : Long.MAX_VALUE;
  }

  private static String localDir(SparkConf conf) {
    return conf.get("spark.local.dir", System.getProperty("java.io.tmpdir")).split(",")[0];
  }

  private static int parse(String cores) {
    return Math.max(1, Integer.parseInt(cores));
  }

  /** {@code spark.executor.memory} in bytes (Spark's default 1g). */
  static long executorMemory(SparkConf conf) {
    return conf.getSizeAsBytes("spark.executor.memory", "1g");
  }

  /**
   * The plan of the all-rows k-NN of N x d rows, computed in float32 and stored with {@code
   * valueBytes} per value. Nothing runs; the times are predictions from {@code rate} and {@code
   * bandwidth}.
   *
   * @param n rows N
   * @param d row length, at least 1
   * @param k neighbours per row
   * @param executors executors of the cluster, at least 1
   * @param cores cores (concurrent tasks) per executor, at least 1
   * @param blocks B; 0 (or less) chooses it with {@link #chooseBlocks(long, int, int, int, int,
   *     long)}
   * @param executorMemory heap bytes of one executor ({@code spark.executor.memory})
   * @param valueBytes bytes per value in the input file: 4 for float32, 2 for float16 or bfloat16
   * @param rate multiply-adds per second of one core, e.g. from {@link #measureRate(int, int)}
   * @param bandwidth network bytes per second of one executor
   * @return the plan: reading and sending the blocks, the pair tasks, the merge
   */
  public static Plan knn(
      long n,
      int d,
      int k,
      int executors,
      int cores,
      int blocks,
      long executorMemory,
      int valueBytes,
      double rate,
      double bandwidth) {
    int b = blocks > 0 ? blocks : chooseBlocks(n, d, k, executors * cores, cores, executorMemory);
    PairWork work = pairWork(n, d, k, b);
    long sendAll = work.send();
    long lists = work.lists();
    double madds = work.madds();
    double cluster = (double) executors * cores;
    double net = bandwidth * executors;
    long read = n * d * valueBytes;
    List<Stage> st = new ArrayList<>();
    st.add(new Stage("read blocks, send to pairs", b, read, sendAll, 0, (read + sendAll) / net));
    st.add(
        new Stage(
            "pair tiles: fused GEMM + top-k",
            Pairs.count(b),
            0,
            lists,
            sendAll,
            madds / (rate * cluster) + sendAll / net));
    st.add(new Stage("merge top-k by block", b, 0, 0, lists, lists / net));
    long rAvg = (n + b - 1) / b;
    return new Plan(
        n, d, k, executors, cores, b, executorMemory, taskMemory(rAvg, d, k), rate, bandwidth, st);
  }

  /**
   * What the k-NN of N rows in B blocks moves and computes: {@code send}, the blocks each sent to
   * their B pair tasks; {@code lists}, the candidate lists the pair tasks write; {@code madds}, the
   * multiply-adds of the pair tasks (a diagonal tile computes its upper half plus a 256-row band).
   */
  record PairWork(long send, long lists, double madds) {
    /** Bytes of both shuffles, before compression: the plan's {@link Plan#shuffleBytes()}. */
    long shuffle() {
      return send + lists;
    }
  }

  /**
   * {@link PairWork} of the blocks {@link #knn} cuts (block i holds {@code floor(N (i + 1) / B) -
   * floor(N i / B)} rows: {@code N mod B} blocks of {@code q + 1} rows, the others of {@code q =
   * floor(N / B)}), summed by block size in constant time: the planner prices up to 65,535 blocks,
   * two billion pairs.
   */
  static PairWork pairWork(long n, int d, int k, int b) {
    long q = n / b;
    long[] size = {q, q + 1};
    long[] count = {b - n % b, n % b};
    int w = TopLists.idBytes(n - 1);
    long send = b * (count[0] * blockBytes(q, d) + count[1] * blockBytes(q + 1, d));
    long lists = 0;
    double madds = 0;
    for (int x = 0; x < 2; x++) {
      long cx = count[x];
      long rx = size[x];
      lists += cx * listBytes(rx, Math.min(k, rx - 1), w);
      madds += cx * (rx * (double) (rx + 256) / 2 * d);
      for (int y = x; y < 2; y++) {
        long pairs = x == y ? cx * (cx - 1) / 2 : cx * count[y];
        long ry = size[y];
        lists += pairs * (listBytes(rx, Math.min(k, ry), w) + listBytes(ry, Math.min(k, rx), w));
        madds += pairs * (double) rx * ry * d;
      }
    }
    return new PairWork(send, lists, madds);
  }

  /** Serialized bytes of a block of r rows as shuffled. */
  static long blockBytes(long r, int d) {
    return r * (4L * d + 4) + RECORD_OVERHEAD;
  }

  /**
   * Serialized bytes of candidate lists of r rows, kk per row, ids of {@code w} bytes ({@link
   * TopLists#idBytes} of the largest vocabulary id, N - 1 for file sources).
   */
  static long listBytes(long r, long kk, int w) {
    return TopLists.packedBytes(r, Math.max(0, kk), w) + RECORD_OVERHEAD;
  }

  /**
   * Measures the distance kernel on this machine, one core: the k-NN of two random blocks of 1,024
   * rows of dimension d. Runs it at least 3 times, then until about 1.5 seconds have passed, at
   * most 50 times.
   *
   * @param d row length, at least 1
   * @param k neighbours per row, at least 1; above 1,024 it is measured as 1,024
   * @return the best rate of the runs, in multiply-adds per second
   */
  public static double measureRate(int d, int k) {
    int r = 1024;
    SplittableRandom rnd = new SplittableRandom(42);
    float[] a = new float[r * d];
    float[] c = new float[r * d];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextGaussian();
      c[i] = (float) rnd.nextGaussian();
    }
    EmbeddingMatrix x = EmbeddingMatrix.wrap(a, r, d);
    EmbeddingMatrix y = EmbeddingMatrix.wrap(c, r, d);
    BlockKnn knn = BlockKnn.euclidean();
    double best = 0;
    long until = System.nanoTime() + 1_500_000_000L;
    for (int it = 0; it < 3 || System.nanoTime() < until && it < 50; it++) {
      long t0 = System.nanoTime();
      knn.between(x, y, Math.min(k, r));
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, (double) r * r * d / s);
    }
    return best;
  }

  /**
   * The plan as text for a person: a summary, then one line per stage and the predicted total.
   *
   * @param p the plan
   * @return several lines, each ending in the platform's line separator
   */
  public static String render(Plan p) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "k-NN plan: N = %,d, d = %,d, k = %d on %d executors x %d cores%n"
                + "blocks B = %d (%,d rows each, %,d pair tasks); task memory %s; executor heap"
                + " needed %s (given %s)%n"
                + "kernel rate %.1f G multiply-adds/s per core; network %.2f GB/s per executor%n",
            p.rows(),
            p.dim(),
            p.k(),
            p.executors(),
            p.cores(),
            p.blocks(),
            (p.rows() + p.blocks() - 1) / p.blocks(),
            Pairs.count(p.blocks()),
            bytes(p.taskMemory()),
            bytes(
                executorMemory(
                    (p.rows() + p.blocks() - 1) / p.blocks(), p.dim(), p.k(), p.cores())),
            bytes(p.executorMemory()),
            p.rate() / 1e9,
            p.bandwidth() / 1e9));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-34s %10s %12s %14s %14s %12s%n",
            "stage",
            "tasks",
            "reads",
            "shuffle write",
            "shuffle read",
            "time"));
    for (Stage s : p.stages()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-34s %,10d %12s %14s %14s %12s%n",
              s.name(),
              s.tasks(),
              bytes(s.readBytes()),
              bytes(s.shuffleWrite()),
              bytes(s.shuffleRead()),
              duration(s.seconds())));
    }
    sb.append(String.format(Locale.ROOT, "predicted total: %s%n", duration(p.seconds())));
    return sb.toString();
  }

  static String bytes(long b) {
    if (b < 1L << 20) {
      return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
    }
    if (b < 1L << 30) {
      return String.format(Locale.ROOT, "%.1f MB", b / (double) (1L << 20));
    }
    if (b < 1L << 40) {
      return String.format(Locale.ROOT, "%.1f GB", b / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.2f TB", b / (double) (1L << 40));
  }

  static String duration(double s) {
    if (s < 120) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    if (s < 7200) {
      return String.format(Locale.ROOT, "%.1f min", s / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }
}
