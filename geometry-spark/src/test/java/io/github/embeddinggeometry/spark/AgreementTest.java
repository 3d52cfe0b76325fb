package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Spark jobs against the single-machine library (CPU backend), bit for bit: k-NN ids and
 * distances, densities, log volumetric densities, the densest point, pairwise statistics with the
 * exact median, mean and covariance, and the core's PCA and causal metric of that covariance.
 * Blocks B = 1, 3, 8 with N not divisible by B; clusters of bitwise-equal rows larger than k; even
 * and odd pair counts; covariance groups cut by blocks.
 */
class AgreementTest {
  private static final ComputeBackend CPU = Backends.cpu();

  private final SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());

  @ParameterizedTest(name = "N={0} d={1} B={2} k={3} {4}")
  @CsvSource({
    "2, 3, 1, 1, euclidean",
    "7, 5, 3, 3, euclidean",
    "40, 9, 8, 6, cosine",
    "301, 17, 8, 12, euclidean",
    "1002, 64, 3, 20, cosine",
    "1002, 64, 8, 20, causal",
    "2500, 256, 8, 20, euclidean",
    "5003, 32, 3, 20, euclidean",
  })
  void knnDensityAndDensestAreTheSameBits(int n, int d, int b, int k, String metricName) {
    EmbeddingMatrix w = TestSpark.matrix(n, d, Math.min(k + 3, 40), n * 31L + d);
    MetricSpace metric = metric(metricName, w);
    DistanceKernel kernel = CPU.distanceKernel(metric);
    Neighbours want = kernel.nearest(w, k, ProgressListener.NONE);
    RowBlocks m = spark.of(w, b).cache();
    JavaRDD<NeighbourBlock> knn = spark.nearest(m, metric, k);
    List<NeighbourBlock> got = knn.collect();
    assertThat(got).hasSize(Math.min(b, n));
    int seen = 0;
    for (NeighbourBlock nb : got) {
      assertThat(nb.start()).isEqualTo(seen);
      for (int i = 0; i < nb.rows(); i++) {
        int row = nb.start() + i;
        assertThat(nb.id(i)).isEqualTo(w.id(row));
        for (int r = 0; r < k; r++) {
          assertThat(nb.neighbourId(i, r)).as("row %d rank %d", row, r).isEqualTo(want.id(row, r));
          assertThat(Float.floatToRawIntBits(nb.distance(i, r)))
              .as("distance of row %d rank %d", row, r)
              .isEqualTo(Float.floatToRawIntBits(want.distance(row, r)));
        }
      }
      seen += nb.rows();
    }
    assertThat(seen).isEqualTo(n);

    DensityField field = DensityField.of(want);
    assertValues(spark.densities(knn), field.densities());
    assertValues(spark.meanDistances(knn), field.meanDistances());
    assertValues(spark.logVolumetric(knn, 7), field.logVolumetric(7));

    if (n > 2) {
      int top = Math.min(30, n - 1);
      DensestPoint dp =
          DensestPoint.of(
              w,
              field,
              kernel,
              CPU.distanceKernel(MetricSpace.cosine()),
              top,
              ProgressListener.NONE);
      DensestPoint sp = spark.densest(m, knn, metric, top);
      assertThat(sp.row()).isEqualTo(dp.row());
      assertThat(sp.id()).isEqualTo(dp.id());
      assertThat(sp.density()).isEqualTo(dp.density());
      assertThat(sp.meanDistance()).isEqualTo(dp.meanDistance());
      assertThat(sp.metricIds()).containsExactly(dp.metricIds());
      assertThat(sp.metricDistances()).containsExactly(dp.metricDistances());
      assertThat(sp.cosineIds()).containsExactly(dp.cosineIds());
      assertThat(sp.cosineSimilarities()).containsExactly(dp.cosineSimilarities());
      assertThat(sp.overlap()).isEqualTo(dp.overlap());
      assertThat(sp.overlapShare()).isEqualTo(dp.overlapShare());
    }
    knn.unpersist();
    m.rdd().unpersist();
  }

  @ParameterizedTest(name = "N={0} d={1} B={2} {3}")
  @CsvSource({
    "2, 3, 1, euclidean",
    "6, 4, 3, euclidean",
    "7, 4, 3, cosine",
    "300, 17, 8, euclidean",
    "1001, 33, 3, euclidean",
    "1002, 33, 8, causal",
  })
  void pairwiseStatisticsAreTheSameBits(int n, int d, int b, String metricName) {
    EmbeddingMatrix w = TestSpark.matrix(n, d, 5, n * 7L + d);
    MetricSpace metric = metric(metricName, w);
    DistanceStatistics want =
        DistanceStatistics.of(w, CPU.distanceKernel(metric), ProgressListener.NONE);
    DistanceStatistics got = spark.pairwiseStatistics(spark.of(w, b), metric);
    assertThat(got).isEqualTo(want);
    assertThat(Double.doubleToRawLongBits(got.median()))
        .isEqualTo(Double.doubleToRawLongBits(want.median()));
    assertThat(Double.doubleToRawLongBits(got.mean()))
        .isEqualTo(Double.doubleToRawLongBits(want.mean()));
  }

  @ParameterizedTest(name = "N={0} d={1} B={2}")
  @CsvSource({
    "1, 5, 1",
    "2, 1, 1",
    "7, 17, 3",
    "1025, 7, 8",
    "4100, 256, 8",
    "9000, 33, 3",
    "20000, 8, 7",
  })
  void meanCovarianceAndPcaAreTheSameBits(int n, int d, int b) {
    EmbeddingMatrix w = TestSpark.matrix(n, d, 0, n * 3L + d);
    Covariance moments = CPU.covariance(w, ProgressListener.NONE);
    RowBlocks m = spark.of(w, b);
    Covariance viaSpark = spark.covariance(m);
    assertThat(viaSpark.mean()).containsExactly(moments.mean());
    assertThat(viaSpark.matrix()).containsExactly(moments.matrix());
    assertThat(viaSpark.rows()).isEqualTo(n);
    PcaResult want = Pca.fit(moments, ProgressListener.NONE);
    PcaResult got = Pca.fit(spark.covariance(m), ProgressListener.NONE);
    assertThat(got.eigenvalues()).containsExactly(want.eigenvalues());
    assertThat(got.eigenvectors()).containsExactly(want.eigenvectors());
  }

  @Test
  void causalMetricOfTheClusterCovarianceIsTheSameBits() {
    EmbeddingMatrix w = TestSpark.matrix(900, 12, 0, 5);
    CausalMetric c =
        CausalMetric.inverseOf(CPU.covariance(w, ProgressListener.NONE), 0, ProgressListener.NONE);
    RowBlocks m = spark.of(w, 3);
    CausalMetric viaSpark = CausalMetric.inverseOf(spark.covariance(m), 0, ProgressListener.NONE);
    assertThat(viaSpark.tensor()).containsExactly(c.tensor());
    assertThat(viaSpark.choleskyLower()).containsExactly(c.choleskyLower());
  }

  static MetricSpace metric(String name, EmbeddingMatrix w) {
    switch (name) {
      case "cosine":
        return MetricSpace.cosine();
      case "causal":
        return MetricSpace.causal(
            CausalMetric.inverseOf(
                CPU.covariance(w, ProgressListener.NONE), 1e-3, ProgressListener.NONE));
      default:
        return MetricSpace.euclidean();
    }
  }

  static void assertValues(JavaRDD<BlockValues> rdd, double[] want) {
    List<BlockValues> blocks = new java.util.ArrayList<>(rdd.collect());
    blocks.sort(Comparator.comparingInt(BlockValues::start));
    int row = 0;
    for (BlockValues v : blocks) {
      assertThat(v.start()).isEqualTo(row);
      for (int i = 0; i < v.rows(); i++, row++) {
        assertThat(Double.doubleToRawLongBits(v.value(i)))
            .as("row %d: %s vs %s", row, v.value(i), want[row])
            .isEqualTo(Double.doubleToRawLongBits(want[row]));
      }
    }
    assertThat(row).isEqualTo(want.length);
  }
}
