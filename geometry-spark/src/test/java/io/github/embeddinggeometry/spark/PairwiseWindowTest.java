package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.spi.PairPasses;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;

/**
 * The one-pass median: a window that holds both middle ranks answers from pass 1 alone; one that
 * misses them falls back to the second pass. Both give the single machine's bits, whether the pair
 * tasks read their blocks from the source or receive them by a shuffle.
 */
class PairwiseWindowTest {
  private static final class Jobs extends SparkListener {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger stages = new AtomicInteger();

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      started.incrementAndGet();
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
      stages.incrementAndGet();
    }
  }

  /**
   * The statistics with a given window (null: sampled), and how many Spark jobs and stages they
   * ran.
   */
  private static Object[] run(RowBlocks m, MetricSpace metric, float[] window) {
    JavaSparkContext sc = TestSpark.sc();
    Jobs jobs = new Jobs();
    sc.sc().addSparkListener(jobs);
    DistanceStatistics got;
    try {
      got = PairwiseJob.run(sc, m, metric, window);
      sc.sc().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("listener bus did not drain", e);
    } finally {
      sc.sc().removeSparkListener(jobs);
    }
    return new Object[] {got, jobs.started.get(), jobs.stages.get()};
  }

  /**
   * The rows from the driver ({@code of}: blocks broadcast), from a file the tasks read ({@code
   * file}), or from a pipeline ({@code rows}: no source but the RDD, so the blocks reach their
   * pairs by a shuffle).
   */
  private static RowBlocks source(String kind, EmbeddingMatrix w, int b, Path dir)
      throws Exception {
    JavaSparkContext sc = TestSpark.sc();
    switch (kind) {
      case "of":
        return RowBlocks.of(sc, w, b);
      case "file":
        Path file = dir.resolve("w.npy");
        NpyWriter.write(file, Tensors.of("W", w.backingArray(), w.rows(), w.dim()));
        return RowBlocks.read(sc, file.toString(), b);
      default:
        List<Tuple2<Integer, float[]>> rows = new ArrayList<>();
        for (int i = 0; i < w.rows(); i++) {
          rows.add(new Tuple2<>(i, w.row(i)));
        }
        return RowBlocks.fromRows(sc.parallelizePairs(rows, 3), w.dim(), b);
    }
  }

  @ParameterizedTest(name = "N={0} d={1} B={2} {3} {4}")
  @CsvSource({
    "600, 16, 3, euclidean, of",
    "601, 16, 4, cosine, of",
    "97, 5, 2, euclidean, of",
    "7, 4, 7, euclidean, of",
    "600, 16, 3, euclidean, file",
    "601, 16, 4, cosine, file",
    "600, 16, 3, euclidean, rows",
    "97, 5, 2, cosine, rows",
  })
  void insideTheWindowOnePassOutsideTwoTheSameBits(
      int n, int d, int b, String name, String kind, @TempDir Path dir) throws Exception {
    // a few rows without duplicates (7 copies of one row would make every distance 0), and with
    // an odd count of pairs, whose median is one of them: inside a window around it
    EmbeddingMatrix w = TestSpark.matrix(n, d, n < 20 ? 0 : 7, 31L * n + d);
    MetricSpace metric = name.equals("cosine") ? MetricSpace.cosine() : MetricSpace.euclidean();
    DistanceStatistics want =
        DistanceStatistics.of(w, Backends.cpu().distanceKernel(metric), ProgressListener.NONE);
    RowBlocks m = source(kind, w, b, dir);
    boolean direct = !kind.equals("rows");
    try {
      float med = (float) want.median();
      Object[] inside = run(m, metric, new float[] {med * 0.999f, med * 1.001f});
      assertThat(inside[0]).isEqualTo(want);
      assertThat(inside[1]).as("jobs with the median inside the window").isEqualTo(1);
      // tasks reading their own blocks: no shuffle, one stage
      assertThat(inside[2]).as("stages").isEqualTo(direct ? 1 : 2);
      Object[] above = run(m, metric, new float[] {(float) want.max() * 2, (float) want.max() * 3});
      assertThat(above[0]).isEqualTo(want);
      assertThat(above[1]).as("jobs with the window above every distance").isEqualTo(2);
      Object[] below = run(m, metric, new float[] {0f, (float) want.min() * 0.5f});
      assertThat(below[0]).isEqualTo(want);
      assertThat(below[1]).as("jobs with the window below the median").isEqualTo(2);
      Object[] sampled = run(m, metric, null);
      assertThat(sampled[0]).isEqualTo(want);
      assertThat(Double.doubleToRawLongBits(((DistanceStatistics) sampled[0]).median()))
          .isEqualTo(Double.doubleToRawLongBits(want.median()));
      // the driver reads the sample of a local source itself: no job of its own
      assertThat(sampled[1]).as("jobs of the sampled run").isEqualTo(direct ? 1 : 2);
    } finally {
      m.release();
    }
  }

  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({"0, 0", "1, 1", "1, 2", "0.5, 3e38"})
  void windowsSpanTheirValuesUpToTheCap(float lo, float hi) {
    int[] bins = PairPasses.window(lo, hi, Float.NaN, PairPasses.MAX_BINS);
    long want = (long) Float.floatToRawIntBits(hi) - Float.floatToRawIntBits(lo) + 1;
    assertThat(bins[1]).isEqualTo((int) Math.min(want, PairPasses.MAX_BINS));
    if (want <= PairPasses.MAX_BINS) {
      assertThat(bins[0]).isEqualTo(Float.floatToRawIntBits(lo));
    }
  }

  @ParameterizedTest(name = "[{0}, {1}] around {2}")
  @CsvSource({"0.5, 3e38, 1", "0.5, 3e38, 0.5", "0.5, 3e38, 3e38", "1, 2, 1.5", "1, 1.0001, 1"})
  void aWideWindowCentresOnTheSampleMedianInsideItsRange(float lo, float hi, float centre) {
    int[] bins = PairPasses.window(lo, hi, centre, PairPasses.MAX_BINS);
    long first = bins[0];
    long last = first + bins[1] - 1;
    long a = Float.floatToRawIntBits(lo);
    long z = Float.floatToRawIntBits(hi);
    long c = Float.floatToRawIntBits(centre);
    assertThat(bins[1]).isEqualTo((int) Math.min(z - a + 1, PairPasses.MAX_BINS));
    assertThat(first).isGreaterThanOrEqualTo(a);
    assertThat(last).isLessThanOrEqualTo(z);
    assertThat(c).isBetween(first, last);
    // as many patterns on either side of the centre as the range leaves room for
    long half = PairPasses.MAX_BINS / 2 - 1;
    assertThat(first == a || c - first >= half).isTrue();
    assertThat(last == z || last - c >= half).isTrue();
  }
}
