package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 vocabulary (30,522 x 384), k = 20: the same bits as one machine. */
class MiniLmTest {
  @Test
  void knnDensityMeanAndCovarianceOfMiniLm() throws Exception {
    EmbeddingMatrix w = MiniLm.loadMatrix();
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    RowBlocks m = spark.of(w, 4).cache();
    JavaRDD<NeighbourBlock> knn = spark.nearest(m, MetricSpace.euclidean(), 20);
    Neighbours want =
        Backends.cpu()
            .distanceKernel(MetricSpace.euclidean())
            .nearest(w, 20, ProgressListener.NONE);
    List<NeighbourBlock> got = knn.collect();
    int rows = 0;
    for (NeighbourBlock nb : got) {
      for (int i = 0; i < nb.rows(); i++) {
        int row = nb.start() + i;
        for (int r = 0; r < 20; r++) {
          assertThat(nb.neighbourId(i, r)).isEqualTo(want.id(row, r));
          assertThat(Float.floatToRawIntBits(nb.distance(i, r)))
              .isEqualTo(Float.floatToRawIntBits(want.distance(row, r)));
        }
      }
      rows += nb.rows();
    }
    assertThat(rows).isEqualTo(30_522);
    AgreementTest.assertValues(spark.densities(knn), DensityField.of(want).densities());
    Covariance cpu = Backends.cpu().covariance(w, ProgressListener.NONE);
    Covariance viaSpark = spark.covariance(m);
    assertThat(viaSpark.mean()).containsExactly(cpu.mean());
    assertThat(viaSpark.matrix()).containsExactly(cpu.matrix());
    knn.unpersist();
    m.rdd().unpersist();
  }
}
