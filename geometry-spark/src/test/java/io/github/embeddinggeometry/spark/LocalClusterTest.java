package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two executor JVMs ({@code local-cluster[2,1,1024]}, profile {@code local-cluster}): blocks cross
 * process boundaries through real shuffles, tasks read the file themselves, the causal metric is
 * rebuilt in each executor; the results are still the driver's single-machine bits.
 */
@Tag("local-cluster")
class LocalClusterTest {
  @Test
  void twoExecutorJvmsGiveTheSingleMachineBits(@TempDir Path dir) throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(2003, 48, 25, 21);
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, List.of(Tensors.of("W", w.backingArray(), 2003, 48)));
    try (JavaSparkContext sc =
        new JavaSparkContext(
            TestSpark.conf("local-cluster[2,1,1024]")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.task.maxFailures", "2"))) {
      SparkAnalyses spark = SparkAnalyses.on(sc);
      RowBlocks m = spark.read(file.toString(), 5);
      MetricSpace causal =
          MetricSpace.causal(
              CausalMetric.inverseOf(
                  Backends.cpu().covariance(w, ProgressListener.NONE),
                  1e-3,
                  ProgressListener.NONE));
      for (MetricSpace metric : List.of(MetricSpace.euclidean(), causal)) {
        Neighbours want =
            Backends.cpu().distanceKernel(metric).nearest(w, 20, ProgressListener.NONE);
        for (NeighbourBlock nb : spark.nearest(m, metric, 20).collect()) {
          for (int i = 0; i < nb.rows(); i++) {
            for (int r = 0; r < 20; r++) {
              assertThat(nb.neighbourId(i, r)).isEqualTo(want.id(nb.start() + i, r));
              assertThat(nb.distance(i, r)).isEqualTo(want.distance(nb.start() + i, r));
            }
          }
        }
      }
      assertThat(spark.pairwiseStatistics(m, MetricSpace.euclidean()))
          .isEqualTo(
              DistanceStatistics.of(
                  w,
                  Backends.cpu().distanceKernel(MetricSpace.euclidean()),
                  ProgressListener.NONE));
      Covariance want = Backends.cpu().covariance(w, ProgressListener.NONE);
      Covariance got = spark.covariance(m);
      assertThat(got.mean()).containsExactly(want.mean());
      assertThat(got.matrix()).containsExactly(want.matrix());
    }
  }
}
