package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.CountingKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Core's {@code DistanceStatistics.of} on the {@code spark} backend's kernel: the pairs run on the
 * cluster (the kernel's {@link PairStatistics}), and the result is the CPU backend's, bit for bit,
 * without one distance streamed to the driver.
 */
class BackendPairStatisticsTest {
  private static final ComputeBackend CPU = Backends.cpu();

  @ParameterizedTest(name = "N={0} d={1} {2}")
  @CsvSource({
    "2, 3, euclidean",
    "7, 4, cosine",
    "301, 17, euclidean",
    "600, 24, causal",
  })
  void theSparkKernelGivesTheCpuBits(int n, int d, String metricName) {
    EmbeddingMatrix w = TestSpark.matrix(n, d, 5, n * 11L + d);
    MetricSpace metric = AgreementTest.metric(metricName, w);
    DistanceStatistics want =
        DistanceStatistics.of(w, CPU.distanceKernel(metric), ProgressListener.NONE);
    // as the CLI gets it (behind the argument checks), and as a user constructs it
    for (ComputeBackend spark :
        new ComputeBackend[] {
          Backends.checked(new SparkBackend(TestSpark.sc(), 3)), new SparkBackend(TestSpark.sc(), 0)
        }) {
      try (DistanceKernel kernel = spark.distanceKernel(metric)) {
        assertThat(PairStatistics.of(kernel)).isNotNull();
        DistanceStatistics got = DistanceStatistics.of(w, kernel, ProgressListener.NONE);
        assertThat(got).isEqualTo(want);
        assertThat(Double.doubleToRawLongBits(got.median()))
            .isEqualTo(Double.doubleToRawLongBits(want.median()));
        assertThat(Double.doubleToRawLongBits(got.mean()))
            .isEqualTo(Double.doubleToRawLongBits(want.mean()));
      }
    }
  }

  @Test
  void noDistanceIsStreamedToTheDriver() {
    EmbeddingMatrix w = TestSpark.matrix(500, 16, 5, 3);
    DistanceStatistics want =
        DistanceStatistics.of(
            w, CPU.distanceKernel(MetricSpace.euclidean()), ProgressListener.NONE);
    ComputeBackend spark = Backends.checked(new SparkBackend(TestSpark.sc(), 3));
    try (DistanceKernel kernel = spark.distanceKernel(MetricSpace.euclidean())) {
      CountingKernel own = new CountingKernel(kernel, true);
      assertThat(DistanceStatistics.of(w, own, ProgressListener.NONE)).isEqualTo(want);
      assertThat(own.statistics.get()).isEqualTo(1);
      assertThat(own.streamed.get()).as("forEachBlock / distances calls").isZero();
      // the count can fail: without the hook the same call streams every pair
      CountingKernel streaming = new CountingKernel(kernel, false);
      assertThat(DistanceStatistics.of(w, streaming, ProgressListener.NONE)).isEqualTo(want);
      assertThat(streaming.statistics.get()).isZero();
      assertThat(streaming.streamed.get()).isPositive();
    }
  }
}
