package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point, in-process on the tests' context; the k-NN output files. */
class SparkMainTest {
  @TempDir Path dir;

  private String run(int wantExit, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    TestSpark.sc();
    int code =
        SparkMain.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(wantExit);
    return wantExit == 0
        ? out.toString(StandardCharsets.UTF_8)
        : err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void knnWritesOneWholeFilePerBlockAndPairwisePrintsTheLibrarysStatistics() throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(400, 12, 8, 31);
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, List.of(Tensors.of("W", w.backingArray(), 400, 12)));
    Path out = dir.resolve("knn");
    String json = run(0, "knn", file.toString(), out.toString(), "--k", "5", "--blocks", "3");
    assertThat(json).contains("\"command\": \"knn\"").contains("\"blocks\": 3");
    Neighbours want =
        Backends.cpu().distanceKernel(MetricSpace.euclidean()).nearest(w, 5, ProgressListener.NONE);
    List<Path> parts;
    try (Stream<Path> s = Files.list(out)) {
      parts = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
    }
    assertThat(parts).hasSize(3);
    int row = 0;
    for (Path p : parts) {
      try (SafetensorsFile f = SafetensorsFile.open(p)) {
        long[] ids = f.tensor("ids").toLongArray();
        long[] nbr = f.tensor("neighbour_ids").toLongArray();
        float[] dist = f.tensor("distances").toFloatArray();
        for (int i = 0; i < ids.length; i++, row++) {
          assertThat(ids[i]).isEqualTo(row);
          for (int r = 0; r < 5; r++) {
            assertThat(nbr[i * 5 + r]).isEqualTo(want.id(row, r));
            assertThat(dist[i * 5 + r]).isEqualTo(want.distance(row, r));
          }
        }
      }
    }
    assertThat(row).isEqualTo(400);
    DistanceStatistics st =
        DistanceStatistics.of(
            w, Backends.cpu().distanceKernel(MetricSpace.euclidean()), ProgressListener.NONE);
    assertThat(run(0, "pairwise", file.toString(), "--blocks", "2"))
        .contains("\"median\": " + st.median())
        .contains("\"pairs\": 79800");
    assertThat(run(2, "knn", dir.resolve("missing.npy").toString(), out.toString()))
        .startsWith("geometry-spark: error: ")
        .contains("missing.npy");
  }

  @Test
  void planPrintsTheStagesWithoutAnyJob() {
    String plan =
        run(0, "plan", "1000000", "256", "20", "4", "4", "--executor-memory", "4g", "--rate", "10");
    assertThat(plan)
        .contains("read blocks, send to pairs")
        .contains("pair tiles: fused GEMM + top-k")
        .contains("merge top-k by block")
        .contains("predicted total");
    assertThat(run(2, "plan", "10")).contains("usage");
  }

  @Test
  void selectionsAreTheLibrarysSelections() {
    EmbeddingMatrix w = TestSpark.matrix(700, 10, 5, 41);
    int[] ids = new int[300];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 7919) % 700;
    }
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    RowBlocks sel = spark.select(spark.of(w, 4), ids);
    assertThat(sel.rows()).isEqualTo(w.select(ids).rows());
    assertThat(spark.pairwiseStatistics(sel, MetricSpace.euclidean()))
        .isEqualTo(
            DistanceStatistics.of(
                w.select(ids),
                Backends.cpu().distanceKernel(MetricSpace.euclidean()),
                ProgressListener.NONE));
  }
}
