package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** Spark retries a failed task attempt to the same bits; bad rows fail with their own message. */
class FaultsTest {
  private final SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());

  private static List<NeighbourBlock> sorted(List<NeighbourBlock> l) {
    List<NeighbourBlock> s = new ArrayList<>(l);
    s.sort(Comparator.comparingInt(NeighbourBlock::index));
    return s;
  }

  @Test
  void aPairTaskThatFailsOnceGivesTheSameResult() {
    EmbeddingMatrix w = TestSpark.matrix(900, 24, 25, 11);
    RowBlocks m = spark.of(w, 4);
    List<NeighbourBlock> clean = sorted(spark.nearest(m, MetricSpace.euclidean(), 20).collect());
    SparkKnn.failFirstAttempt = p -> p == 1 || p == 7;
    List<NeighbourBlock> retried;
    try {
      retried = sorted(spark.nearest(m, MetricSpace.euclidean(), 20).collect());
    } finally {
      SparkKnn.failFirstAttempt = null;
    }
    assertThat(retried).hasSameSizeAs(clean);
    for (int b = 0; b < clean.size(); b++) {
      assertThat(retried.get(b).neighbourIds()).containsExactly(clean.get(b).neighbourIds());
      assertThat(retried.get(b).distances()).containsExactly(clean.get(b).distances());
    }
  }

  @Test
  void anInputTaskThatFailsOnceGivesTheSameResult() {
    EmbeddingMatrix w = TestSpark.matrix(500, 16, 0, 12);
    List<Tuple2<Integer, float[]>> rows = new ArrayList<>();
    for (int i = 0; i < w.rows(); i++) {
      rows.add(new Tuple2<>(w.id(i) * 3, w.row(i)));
    }
    JavaPairRDD<Integer, float[]> flaky =
        TestSpark.sc()
            .parallelizePairs(rows, 3)
            .mapPartitionsToPair(
                it -> {
                  TaskContext tc = TaskContext.get();
                  if (tc.partitionId() == 1
                      && tc.attemptNumber() == 0
                      && tc.stageAttemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of an input task");
                  }
                  return it;
                },
                true);
    RowBlocks m = spark.fromRows(flaky, 16, 3);
    int[] ids = new int[w.rows()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i * 3;
    }
    List<NeighbourBlock> got = sorted(spark.nearest(m, MetricSpace.cosine(), 5).collect());
    var want =
        io.github.embeddinggeometry.backend.Backends.cpu()
            .distanceKernel(MetricSpace.cosine())
            .nearest(w.withIds(ids), 5, io.github.embeddinggeometry.ProgressListener.NONE);
    int row = 0;
    for (NeighbourBlock nb : got) {
      for (int i = 0; i < nb.rows(); i++, row++) {
        for (int r = 0; r < 5; r++) {
          assertThat(nb.neighbourId(i, r)).isEqualTo(want.id(row, r));
          assertThat(nb.distance(i, r)).isEqualTo(want.distance(row, r));
        }
      }
    }
    assertThat(row).isEqualTo(w.rows());
  }

  @Test
  void aNanRowFailsTheJobNamingTheRow(@TempDir Path dir) throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(300, 8, 0, 13);
    float[] x = w.backingArray().clone();
    x[217 * 8 + 3] = Float.NaN;
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, List.of(Tensors.of("W", x, 300, 8)));
    RowBlocks m = spark.read(file.toString(), 3);
    assertThatThrownBy(() -> spark.nearest(m, MetricSpace.euclidean(), 4))
        .isInstanceOf(NonFiniteRowException.class)
        .hasMessage(
            "row 217 (vocabulary id 217) holds NaN at column 3; distances are defined for finite"
                + " rows only")
        .satisfies(e -> assertThat(((NonFiniteRowException) e).id()).isEqualTo(217));
    assertThatThrownBy(() -> spark.covariance(m))
        .isInstanceOf(NonFiniteRowException.class)
        .hasMessageStartingWith("row 217 (vocabulary id 217) holds NaN");
    // every row is in the pairwise statistics' sample, which the driver reads
    assertThatThrownBy(() -> spark.pairwiseStatistics(m, MetricSpace.euclidean()))
        .isInstanceOf(NonFiniteRowException.class)
        .hasMessageStartingWith("row 217 (vocabulary id 217) holds NaN at column 3");
  }

  @Test
  void aNanRowOutsideThePairwiseSampleFailsTheirJobNamingTheRow(@TempDir Path dir)
      throws Exception {
    int n = 2 * PairwiseJob.SAMPLE_ROWS + 10; // every second row sampled: 217 is not
    EmbeddingMatrix w = TestSpark.matrix(n, 8, 0, 13);
    float[] x = w.backingArray().clone();
    x[217 * 8 + 3] = Float.POSITIVE_INFINITY;
    Path file = dir.resolve("w.npy");
    NpyWriter.write(file, Tensors.of("W", x, n, 8));
    RowBlocks m = spark.read(file.toString(), 3);
    assertThatThrownBy(() -> spark.pairwiseStatistics(m, MetricSpace.euclidean()))
        .isInstanceOf(NonFiniteRowException.class)
        .hasMessageStartingWith("row 217 (vocabulary id 217) holds Infinity at column 3");
  }
}
