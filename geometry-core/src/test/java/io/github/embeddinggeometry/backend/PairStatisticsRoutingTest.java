package io.github.embeddinggeometry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code DistanceStatistics.of} hands the work to a kernel with statistics of its own, through the
 * argument checks, and streams the pairs of every other kernel.
 */
class PairStatisticsRoutingTest {
  /** A kernel whose statistics are fixed numbers, and which fails any stream it is asked for. */
  private static final class Own implements DistanceKernel, PairStatistics {
    final MetricSpace metric;
    final AtomicInteger calls = new AtomicInteger();

    Own(MetricSpace metric) {
      this.metric = metric;
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
      throw new AssertionError("distances streamed");
    }

    @Override
    public void forEachBlock(
        EmbeddingMatrix a,
        EmbeddingMatrix b,
        int blockRows,
        DistanceBlockConsumer consumer,
        ProgressListener progress) {
      throw new AssertionError("distances streamed");
    }

    @Override
    public Neighbours nearest(
        EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
      throw new AssertionError("not used");
    }

    @Override
    public boolean hasPairStatistics() {
      return true;
    }

    @Override
    public Statistics pairStatistics(EmbeddingMatrix x, ProgressListener progress) {
      calls.incrementAndGet();
      long n = x.rows();
      return new Statistics(n * (n - 1) / 2, 0.5, 1.5, 1.25, 3, 1);
    }
  }

  private static final EmbeddingMatrix ROWS =
      EmbeddingMatrix.wrap(new float[] {0, 0, 1, 0, 0, 2, 3, 3}, 4, 2);

  @Test
  void aKernelWithItsOwnStatisticsGetsTheWorkThroughTheChecks() {
    Own own = new Own(MetricSpace.euclidean());
    DistanceKernel checked = new CheckedKernel(own, MetricSpace.euclidean());
    assertThat(PairStatistics.of(checked)).isNotNull();
    DistanceStatistics s = DistanceStatistics.of(ROWS, checked, ProgressListener.NONE);
    assertThat(s).isEqualTo(new DistanceStatistics(6, 0.5, 1.5, 1.25, 3, 1));
    assertThat(own.calls.get()).isEqualTo(1);
  }

  @Test
  void theChecksComeFirst() {
    Own own = new Own(MetricSpace.euclidean());
    DistanceKernel checked = new CheckedKernel(own, MetricSpace.euclidean());
    EmbeddingMatrix nan = EmbeddingMatrix.wrap(new float[] {0, 0, Float.NaN, 1}, 2, 2);
    assertThatThrownBy(() -> DistanceStatistics.of(nan, checked, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(
            () ->
                DistanceStatistics.of(
                    EmbeddingMatrix.wrap(new float[2], 1, 2), checked, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 rows");
    MetricSpace causal =
        MetricSpace.causal(CausalMetric.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3));
    DistanceKernel wrongDim = new CheckedKernel(new Own(causal), causal);
    assertThatThrownBy(() -> DistanceStatistics.of(ROWS, wrongDim, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d = 2");
    assertThat(own.calls.get()).isZero();
  }

  @Test
  void theCpuKernelStreamsItsPairs() {
    try (DistanceKernel cpu = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      assertThat(PairStatistics.of(cpu)).isNull();
      // (0,0) (1,0) (0,2) (3,3): distances 1, 2, sqrt 18, sqrt 5, sqrt 13, sqrt 10
      DistanceStatistics s = DistanceStatistics.of(ROWS, cpu, ProgressListener.NONE);
      assertThat(s.count()).isEqualTo(6);
      assertThat(s.min()).isCloseTo(1, within(1e-6));
      assertThat(s.max()).isCloseTo(Math.sqrt(18), within(1e-6));
      assertThat(s.median()).isCloseTo((Math.sqrt(5) + Math.sqrt(10)) / 2, within(1e-6));
      assertThat(s.mean())
          .isCloseTo(
              (1 + 2 + Math.sqrt(18) + Math.sqrt(5) + Math.sqrt(13) + Math.sqrt(10)) / 6,
              within(1e-6));
    }
  }
}
