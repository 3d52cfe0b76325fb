package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
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

  @Test
  void shuffleBytesMatchWhatSparkMeasures() throws Exception {
    int n = 3001;
    int d = 64;
    int k = 10;
    int b = 4;
    EmbeddingMatrix w = TestSpark.matrix(n, d, 0, 9);
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    RowBlocks m = spark.of(w, b);
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
    // small inputs: at most one block per row
    assertThat(Planner.chooseBlocks(3, 8, 1, 64, 8, 16L << 30)).isEqualTo(3);
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
