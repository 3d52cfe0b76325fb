package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.junit.jupiter.api.Test;

/** The planner's bytes per stage against those Spark reports for the same k-NN. */
class PlannerTest {
  /** Shuffle bytes written and read by each completed stage, in completion order. */
  static final class Bytes extends SparkListener {
    final List<long[]> stages = new ArrayList<>();

    @Override
    public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
      StageInfo s = e.stageInfo();
      stages.add(
          new long[] {
            s.taskMetrics().shuffleWriteMetrics().bytesWritten(),
            s.taskMetrics().shuffleReadMetrics().totalBytesRead()
          });
    }

    synchronized List<long[]> await(int n) throws InterruptedException {
      long until = System.currentTimeMillis() + 20_000;
      while (stages.size() < n && System.currentTimeMillis() < until) {
        wait(50);
      }
      return new ArrayList<>(stages);
    }
  }

  /**
   * Shuffle bytes (written, read) of the three stages of the Euclidean k-NN of {@code m}, as Spark
   * reports them; reads the blocks first so that only the k-NN's stages are counted. Releases
   * {@code m}.
   */
  static List<long[]> knnShuffle(RowBlocks m, int k) throws InterruptedException {
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    m.rdd().count();
    Bytes bytes = new Bytes();
    TestSpark.sc().sc().addSparkListener(bytes);
    JavaRDD<NeighbourBlock> knn;
    List<long[]> got;
    try {
      knn = spark.nearest(m, MetricSpace.euclidean(), k);
      got = bytes.await(3);
    } finally {
      TestSpark.sc().sc().removeSparkListener(bytes);
    }
    knn.unpersist();
    m.release();
    return got;
  }

  @Test
  void shuffleBytesMatchWhatSparkMeasures() throws Exception {
    int n = 3001;
    int d = 64;
    int k = 10;
    int b = 4;
    EmbeddingMatrix w = TestSpark.matrix(n, d, 0, 9);
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    List<long[]> got = knnShuffle(spark.of(w, b), k);
    Planner.Plan plan = Planner.knn(n, d, k, 1, 2, b, 1L << 30, 4, 1e9, 1e9);
    assertThat(got).hasSize(3);
    List<Planner.Stage> st = plan.stages();
    for (int s = 0; s < 3; s++) {
      double wantWrite = st.get(s).shuffleWrite();
      double wantRead = st.get(s).shuffleRead();
      assertThat((double) got.get(s)[0])
          .as("stage %d write", s)
          .isCloseTo(wantWrite, within(0.05 * wantWrite + 1));
      assertThat((double) got.get(s)[1])
          .as("stage %d read", s)
          .isCloseTo(wantRead, within(0.05 * wantRead + 1));
    }
  }

  @Test
  void blocksFitTheMemoryAndGiveEveryCoreWork() {
    // 10^7 x 1024, k = 20 on 32 executors of 8 cores and 16 GB
    int b = Planner.chooseBlocks(10_000_000L, 1024, 20, 256, 8, 16L << 30);
    long r = (10_000_000L + b - 1) / b;
    assertThat(Planner.executorMemory(r, 1024, 20, 8)).isLessThanOrEqualTo(16L << 30);
    assertThat(Pairs.count(b)).isGreaterThanOrEqualTo(2 * 256);
    assertThat(Planner.executorMemory(10_000_000L / (b - 1), 1024, 20, 8)).isGreaterThan(16L << 30);
    // small inputs: the data caps the count, 3 rows are one block on any cluster
    assertThat(Planner.chooseBlocks(3, 8, 1, 64, 8, 16L << 30)).isEqualTo(1);
  }

  private static final long GB = 1L << 30;

  /** The clusters of the issue: local[2], local[8], local[16], 32 x 8 x 16 GB, 1,000 x 16. */
  private static final Planner.Cluster[] CLUSTERS = {
    new Planner.Cluster(1, 2, 2 * GB, Long.MAX_VALUE),
    new Planner.Cluster(1, 8, 2 * GB, Long.MAX_VALUE),
    new Planner.Cluster(1, 16, 8 * GB, Long.MAX_VALUE),
    new Planner.Cluster(32, 8, 16 * GB, Long.MAX_VALUE),
    new Planner.Cluster(1000, 16, 32 * GB, Long.MAX_VALUE)
  };

  /** Start-up check, MiniLM, a Qwen3-4B vocabulary, 10^7 x 1024. */
  private static final long[][] INPUTS = {
    {384, 384, 20}, {30_522, 384, 20}, {151_936, 2560, 20}, {10_000_000, 1024, 20}
  };

  @Test
  void everyClusterGetsASanePlan() {
    for (Planner.Cluster c : CLUSTERS) {
      for (long[] in : INPUTS) {
        long n = in[0];
        int d = (int) in[1];
        int k = (int) in[2];
        int b = Planner.chooseBlocks(n, d, k, c);
        String what = n + " x " + d + " on " + c;
        long r = (n + b - 1) / b;
        // fits: every executor runs its cores' pair tasks in its heap (hand formula of the
        // class comment: 300 MB + 1.5 c (r (12 d + 40 k) + 64 MB))
        double heap =
            300.0 * (1 << 20)
                + 1.5 * c.coresPerExecutor() * (r * (12.0 * d + 40 * k) + 64.0 * (1 << 20));
        assertThat(heap).as(what).isLessThanOrEqualTo(c.executorMemory());
        assertThat((long) b).as(what).isBetween(1L, n);
        long pairTasks = (long) b * (b + 1) / 2;
        boolean coresBusy = pairTasks >= 2L * c.totalCores();
        boolean dataCapped = r >= Planner.minBlockRows(d) && n / (b + 1) < Planner.minBlockRows(d);
        boolean memoryBound = b > 1 && heapFor((n + b - 2) / (b - 1), d, k, c) > c.executorMemory();
        assertThat(coresBusy || dataCapped || memoryBound || b == 1)
            .as("%s: B = %d neither keeps the cores busy nor is capped by data or memory", what, b)
            .isTrue();
        // never more blocks than the first of the three reasons needs
        if (b > 1 && !memoryBound) {
          assertThat((long) (b - 1) * b / 2).as(what).isLessThan(2L * c.totalCores());
        }
        // the shuffle: every row goes to B pair tasks, 4 d + 4 bytes each, plus record headers
        Planner.Plan plan =
            Planner.knn(
                n, d, k, c.executors(), c.coresPerExecutor(), 0, c.executorMemory(), 4, 1e10, 1e9);
        assertThat(plan.blocks()).as(what).isEqualTo(b);
        double rowsShuffled = (double) b * n * (4 * d + 4);
        double write = plan.stages().get(0).shuffleWrite();
        assertThat(write).as(what).isBetween(rowsShuffled, rowsShuffled + (double) b * b * 400 + 1);
        assertThat((double) plan.shuffleBytes()).as(what).isLessThan(rowsShuffled * 1.5 + 1e6);
      }
    }
  }

  private static double heapFor(long r, int d, int k, Planner.Cluster c) {
    return 300.0 * (1 << 20)
        + 1.5 * c.coresPerExecutor() * (r * (12.0 * d + 40 * k) + 64.0 * (1 << 20));
  }

  @Test
  void chosenCountsOfTheIssueClusters() {
    // hand-worked: 384 rows (min rows per block ceil(sqrt(1e8 / 384)) = 511) is one block
    for (Planner.Cluster c : CLUSTERS) {
      assertThat(Planner.chooseBlocks(384, 384, 20, c)).as("%s", c).isEqualTo(1);
    }
    // MiniLM on local[2]: B (B + 1) / 2 >= 4 gives 3
    assertThat(Planner.chooseBlocks(30_522, 384, 20, CLUSTERS[0])).isEqualTo(3);
    // local[8]: B (B + 1) / 2 >= 16 gives 6
    assertThat(Planner.chooseBlocks(30_522, 384, 20, CLUSTERS[1])).isEqualTo(6);
    // 1,000 x 16 would want 253 blocks; the data allows floor(30522 / 511) = 59
    assertThat(Planner.chooseBlocks(30_522, 384, 20, CLUSTERS[4])).isEqualTo(59);
    // 10^7 x 1024 on 32 x 8 x 16 GB is memory-bound: r <= ((16 GB - 300 MB) / 12 - 64 MB) / 13088
    long perTask = (long) (((16L << 30) - (300L << 20)) / 12.0) - (64L << 20);
    long rMax = perTask / (12L * 1024 + 40 * 20);
    assertThat(Planner.chooseBlocks(10_000_000L, 1024, 20, CLUSTERS[3]))
        .isEqualTo((int) ((10_000_000L + rMax - 1) / rMax));
  }

  @Test
  void plansThatCannotFitAreRefusedSayingWhatToChange() {
    assertThatThrownBy(
            () ->
                Planner.chooseBlocks(
                    30_522, 384, 20, new Planner.Cluster(1, 8, 512L << 20, Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.executor.memory")
        .hasMessageContaining("spark.executor.cores");
    assertThatThrownBy(
            () ->
                Planner.chooseBlocks(
                    10_000_000L, 1024, 20, new Planner.Cluster(32, 8, 16 * GB, 100 * GB)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shuffle")
        .hasMessageContaining("spark.local.dir");
    assertThatThrownBy(
            () ->
                Planner.chooseBlocks(
                    2_000_000_000L, 4096, 20, new Planner.Cluster(1, 16, 2 * GB, Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blocks");
  }

  @Test
  void aClustersConfiguredShuffleSpaceRefusesABiggerShuffle() {
    org.apache.spark.SparkConf conf =
        new org.apache.spark.SparkConf(false).set(Planner.SHUFFLE_SPACE, "2g");
    // the property is one executor's space: four executors, 8 GB
    assertThat(Planner.shuffleSpace(conf, 4)).isEqualTo(8 * GB);
    assertThat(Planner.shuffleSpace(new org.apache.spark.SparkConf(false), 4))
        .isEqualTo(Long.MAX_VALUE);
    // Qwen3-4B's vocabulary on 4 x 1 core x 3 GB: B (B + 1) / 2 >= 8 gives 4 blocks, each row
    // sent to 4 pair tasks: 4 x 151,936 x (4 x 2,560 + 4) bytes = 5.8 GB, more than 4 x 1 GB
    long send = 4L * 151_936 * (4 * 2560 + 4);
    assertThat(Planner.pairWork(151_936, 2560, 20, 4).shuffle()).isGreaterThan(send);
    Planner.Cluster small = new Planner.Cluster(4, 1, 3 * GB, Planner.shuffleSpace(conf, 4) / 2);
    assertThatThrownBy(() -> Planner.chooseBlocks(151_936, 2560, 20, small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 blocks")
        .hasMessageContaining(Planner.SHUFFLE_SPACE);
    assertThat(Planner.chooseBlocks(151_936, 2560, 20, new Planner.Cluster(4, 1, 3 * GB, 8 * GB)))
        .isEqualTo(4);
  }

  @Test
  void pairWorkInClosedFormIsTheSumOverEveryPair() {
    // the plan's shuffle and multiply-adds summed pair by pair, as the blocks are cut
    for (long[] c : new long[][] {{1000, 7, 5}, {10, 13, 3}, {384, 1, 12}, {5, 9, 20}}) {
      long n = c[0];
      int b = (int) c[1];
      int k = (int) c[2];
      int d = 16;
      long[] r = new long[b];
      for (int i = 0; i < b; i++) {
        r[i] = n * (i + 1) / b - n * i / b;
      }
      int w = TopLists.idBytes(n - 1);
      long send = 0;
      long lists = 0;
      double madds = 0;
      for (int i = 0; i < b; i++) {
        send += (long) b * (r[i] * (4L * d + 4) + Planner.RECORD_OVERHEAD);
        for (int j = i; j < b; j++) {
          if (i == j) {
            lists += TopLists.packedBytes(r[i], Math.max(0, Math.min(k, r[i] - 1)), w);
            madds += r[i] * (r[i] + 256.0) / 2 * d;
          } else {
            lists += TopLists.packedBytes(r[i], Math.min(k, r[j]), w);
            lists += TopLists.packedBytes(r[j], Math.min(k, r[i]), w) + Planner.RECORD_OVERHEAD;
            madds += (double) r[i] * r[j] * d;
          }
          lists += Planner.RECORD_OVERHEAD;
        }
      }
      Planner.PairWork got = Planner.pairWork(n, d, k, b);
      assertThat(got.send()).as("%s", java.util.Arrays.toString(c)).isEqualTo(send);
      assertThat(got.lists()).as("%s", java.util.Arrays.toString(c)).isEqualTo(lists);
      assertThat(got.madds()).isCloseTo(madds, org.assertj.core.data.Offset.offset(1e-6 * madds));
    }
  }

  @Test
  void aLocalContextIsOneExecutorWithItsThreadsAndThisHeap() {
    Planner.Cluster c = Planner.cluster(TestSpark.sc());
    assertThat(c.executors()).isEqualTo(1);
    assertThat(c.coresPerExecutor()).isEqualTo(2); // local[2,2]
    assertThat(c.executorMemory()).isEqualTo(Runtime.getRuntime().maxMemory());
  }

  @Test
  void balancedPairTasksHoldEveryPairOnceInEqualWork() {
    for (int b = 1; b <= 13; b++) {
      int[][] seen = new int[b][b];
      int halves = 0;
      int tasks = Pairs.balancedCount(b);
      for (int t = 0; t < tasks; t++) {
        double work = 0; // in distances of an off-diagonal pair, r^2
        for (int[] ij : Pairs.balanced(t, b)) {
          assertThat(ij[0]).as("B = %d task %d", b, t).isBetween(0, ij[1]);
          assertThat(ij[1]).isLessThan(b);
          seen[ij[0]][ij[1]]++;
          work += ij[0] == ij[1] ? 0.5 : 1;
        }
        if (work == 0.5) {
          halves++;
        } else {
          assertThat(work).as("B = %d task %d", b, t).isEqualTo(1.0);
        }
      }
      for (int i = 0; i < b; i++) {
        for (int j = i; j < b; j++) {
          assertThat(seen[i][j]).as("B = %d pair (%d, %d)", b, i, j).isEqualTo(1);
        }
      }
      // only an odd B leaves one diagonal block alone
      assertThat(halves).as("B = %d", b).isEqualTo(b % 2);
      assertThat(tasks).isEqualTo(b * (b - 1) / 2 + (b + 1) / 2);
    }
  }

  @Test
  void pairwiseBlocksOfTheIssueClusters() {
    // hand-worked. local[2] from the k-NN's 3 blocks: 4 blocks give 6 + 2 = 8 tasks, 4 full rounds
    assertThat(Planner.pairwiseBlocks(20_000, 384, 3, 2)).isEqualTo(4);
    assertThat(Planner.pairwiseBlocks(20_000, 2560, 3, 2)).isEqualTo(4);
    // local[8] from 6: 6 blocks give 18 tasks, 3 rounds of 8 at 75%; 8 give 32, 4 full rounds
    assertThat(Planner.pairwiseBlocks(30_522, 384, 6, 8)).isEqualTo(8);
    // local[16] from 8: 32 tasks, 2 full rounds
    assertThat(Planner.pairwiseBlocks(30_522, 384, 8, 16)).isEqualTo(8);
    // 32 x 8 from 32: 512 tasks, 2 full rounds of 256
    assertThat(Planner.pairwiseBlocks(151_936, 2560, 32, 256)).isEqualTo(32);
    // 1,000 x 16 from 253: B^2 / 2 tasks need 3 rounds of 16,000 at >= 90%, B^2 >= 86,400: 294
    assertThat(Planner.pairwiseBlocks(10_000_000, 1024, 253, 16_000)).isEqualTo(294);
    // MiniLM on 1,000 x 16 from 59 blocks, all the data allows (511 rows each): the one even
    // candidate, 60, gives 1,800 tasks, one round 11% full
    assertThat(Planner.pairwiseBlocks(30_522, 384, 59, 16_000)).isEqualTo(60);
    // a matrix the data keeps in one block stays one; two rows in one block stay one block
    assertThat(Planner.pairwiseBlocks(384, 384, 1, 2)).isEqualTo(1);
    assertThat(Planner.pairwiseBlocks(2, 3, 1, 2)).isEqualTo(1);
    // an odd count with no row to spare stays odd
    assertThat(Planner.pairwiseBlocks(5, 4, 5, 2)).isEqualTo(5);
    assertThatThrownBy(() -> Planner.pairwiseBlocks(100, 4, 0, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pairwiseBlocksNeverHoldMoreRowsAndFillTheSlots() {
    for (Planner.Cluster c : CLUSTERS) {
      for (long[] in : INPUTS) {
        long n = in[0];
        int d = (int) in[1];
        int blocks = Planner.chooseBlocks(n, d, 1, c);
        int slots = c.totalCores();
        int b = Planner.pairwiseBlocks(n, d, blocks, slots);
        String what = n + " x " + d + " on " + c + " from " + blocks;
        // no block larger than the matrix's, which fit a task's memory
        assertThat(b).as(what).isGreaterThanOrEqualTo(blocks);
        if (b == blocks && b % 2 == 1) {
          assertThat(b == 1 || b + 1 > n).as(what).isTrue();
          continue;
        }
        assertThat(b % 2).as(what).isZero();
        double tasks = (double) b * b / 2;
        double fill = tasks / (Math.ceil(tasks / slots) * slots);
        boolean dataCapped = b + 2 > n / Planner.minBlockRows(d);
        assertThat(fill >= 0.9 || dataCapped).as("%s: B = %d fills %.2f", what, b, fill).isTrue();
        // the smallest such count
        for (long e = Math.max(2, blocks + (blocks & 1)); e < b; e += 2) {
          double t = (double) e * e / 2;
          assertThat(t / (Math.ceil(t / slots) * slots)).as(what + ", B = " + e).isLessThan(0.9);
        }
      }
    }
  }

  @Test
  void pairIndicesRoundTrip() {
    for (int b = 1; b < 12; b++) {
      int p = 0;
      for (int i = 0; i < b; i++) {
        for (int j = i; j < b; j++, p++) {
          assertThat(Pairs.index(i, j, b)).isEqualTo(p);
          assertThat(Pairs.of(p, b)).containsExactly(i, j);
        }
      }
      assertThat(Pairs.count(b)).isEqualTo(p);
    }
  }
}
