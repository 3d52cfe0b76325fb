package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one-pass median: a window that holds both middle ranks answers from pass 1 alone; one that
 * misses them falls back to the second pass. Both give the single machine's bits.
 */
class PairwiseWindowTest {
  private static final class Jobs extends SparkListener {
    final AtomicInteger started = new AtomicInteger();

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      started.incrementAndGet();
    }
  }

  /** The statistics with a given window, and how many Spark jobs they ran. */
  private static Object[] run(RowBlocks m, MetricSpace metric, float lo, float hi) {
    JavaSparkContext sc = TestSpark.sc();
    Jobs jobs = new Jobs();
    sc.sc().addSparkListener(jobs);
    DistanceStatistics got;
    try {
      got = PairwiseJob.run(sc, m, metric, new float[] {lo, hi});
      sc.sc().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("listener bus did not drain", e);
    } finally {
      sc.sc().removeSparkListener(jobs);
    }
    return new Object[] {got, jobs.started.get()};
  }

  @ParameterizedTest(name = "N={0} d={1} B={2} {3}")
  @CsvSource({
    "600, 16, 3, euclidean",
    "601, 16, 4, cosine",
    "97, 5, 2, euclidean",
  })
  void insideTheWindowOnePassOutsideTwoTheSameBits(int n, int d, int b, String name) {
    EmbeddingMatrix w = TestSpark.matrix(n, d, 7, 31L * n + d);
    MetricSpace metric = name.equals("cosine") ? MetricSpace.cosine() : MetricSpace.euclidean();
    DistanceStatistics want =
        DistanceStatistics.of(w, Backends.cpu().distanceKernel(metric), ProgressListener.NONE);
    RowBlocks m = RowBlocks.of(TestSpark.sc(), w, b);
    try {
      float med = (float) want.median();
      Object[] inside = run(m, metric, med * 0.999f, med * 1.001f);
      assertThat(inside[0]).isEqualTo(want);
      assertThat(inside[1]).as("jobs with the median inside the window").isEqualTo(1);
      Object[] above = run(m, metric, (float) want.max() * 2, (float) want.max() * 3);
      assertThat(above[0]).isEqualTo(want);
      assertThat(above[1]).as("jobs with the window above every distance").isEqualTo(2);
      Object[] below = run(m, metric, 0f, (float) want.min() * 0.5f);
      assertThat(below[0]).isEqualTo(want);
      assertThat(below[1]).as("jobs with the window below the median").isEqualTo(2);
      DistanceStatistics sampled = SparkAnalyses.on(TestSpark.sc()).pairwiseStatistics(m, metric);
      assertThat(sampled).isEqualTo(want);
      assertThat(Double.doubleToRawLongBits(sampled.median()))
          .isEqualTo(Double.doubleToRawLongBits(want.median()));
    } finally {
      m.release();
    }
  }

  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({"0, 0", "1, 1", "1, 2", "0.5, 3e38"})
  void windowsSpanTheirValuesUpToTheCap(float lo, float hi) {
    int[] bins = PairwiseJob.bins(lo, hi);
    long want = (long) Float.floatToRawIntBits(hi) - Float.floatToRawIntBits(lo) + 1;
    assertThat(bins[1]).isEqualTo((int) Math.min(want, PairwiseJob.MAX_BINS));
    if (want <= PairwiseJob.MAX_BINS) {
      assertThat(bins[0]).isEqualTo(Float.floatToRawIntBits(lo));
    }
  }
}
