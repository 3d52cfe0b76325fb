package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Run by the build in a JVM of 256 MB (driver and executor together: local mode): the k-NN and the
 * exact pairwise statistics of 26,000 rows, whose N x N float32 distances would take 2.7 GB, ten
 * times the heap.
 */
@Tag("small-heap")
class SmallHeapTest {
  @Test
  void knnAndExactMedianInAQuarterGigabyte() {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(270L << 20);
    int n = 26_000;
    assertThat(4L * n * n).isGreaterThanOrEqualTo(10 * (256L << 20));
    EmbeddingMatrix w = TestSpark.matrix(n, 8, 12, 17);
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    RowBlocks m = spark.of(w, 8).cache();
    JavaRDD<NeighbourBlock> knn = spark.nearest(m, MetricSpace.euclidean(), 10);
    Neighbours want =
        Backends.cpu()
            .distanceKernel(MetricSpace.euclidean())
            .nearest(w, 10, ProgressListener.NONE);
    knn.foreach(nb -> {});
    for (NeighbourBlock nb : knn.collect()) {
      for (int i = 0; i < nb.rows(); i++) {
        for (int r = 0; r < 10; r++) {
          assertThat(nb.neighbourId(i, r)).isEqualTo(want.id(nb.start() + i, r));
          assertThat(nb.distance(i, r)).isEqualTo(want.distance(nb.start() + i, r));
        }
      }
    }
    knn.unpersist();
    DistanceStatistics got = spark.pairwiseStatistics(m, MetricSpace.euclidean());
    assertThat(got.count()).isEqualTo((long) n * (n - 1) / 2);
    assertThat(got)
        .isEqualTo(
            DistanceStatistics.of(
                w, Backends.cpu().distanceKernel(MetricSpace.euclidean()), ProgressListener.NONE));
  }
}
