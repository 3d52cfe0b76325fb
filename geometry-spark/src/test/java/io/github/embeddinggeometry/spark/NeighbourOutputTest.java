package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k-NN lists written by the executors and committed whole; SparkMain is the command line. */
class NeighbourOutputTest {
  @TempDir Path dir;

  @Test
  void aRerunWithFewerBlocksLeavesExactlyOneConsistentResult() throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(400, 12, 8, 31);
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, List.of(Tensors.of("W", w.backingArray(), 400, 12)));
    Path out = dir.resolve("knn");
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    MetricSpace metric = MetricSpace.euclidean();
    for (int blocks : new int[] {4, 3}) {
      RowBlocks m = spark.read(file.toString(), blocks);
      spark.writeNeighbours(m, metric, spark.nearest(m, metric, 5), out.toString());
    }
    assertThat(names(out))
        .containsExactly(
            "_SUCCESS",
            "manifest.json",
            "part-00000.safetensors",
            "part-00001.safetensors",
            "part-00002.safetensors");
    assertThat(names(dir)).containsExactly("knn", "w.safetensors"); // no temporary folder
    JsonNode manifest = Cli.JSON.readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.get("rows").asInt()).isEqualTo(400);
    assertThat(manifest.get("d").asInt()).isEqualTo(12);
    assertThat(manifest.get("k").asInt()).isEqualTo(5);
    assertThat(manifest.get("blocks").asInt()).isEqualTo(3);
    assertThat(manifest.get("metric").asText()).isEqualTo(metric.name());
    assertThat(manifest.get("source_checksum").asText()).isEqualTo(checksum(w));

    Neighbours want = Backends.cpu().distanceKernel(metric).nearest(w, 5, ProgressListener.NONE);
    int row = 0;
    for (JsonNode part : manifest.get("parts")) {
      try (SafetensorsFile f = SafetensorsFile.open(out.resolve(part.get("file").asText()))) {
        long[] ids = f.tensor("ids").toLongArray();
        long[] nbr = f.tensor("neighbour_ids").toLongArray();
        float[] dist = f.tensor("distances").toFloatArray();
        assertThat(part.get("start").asInt()).isEqualTo(row);
        assertThat(ids).hasSize(part.get("rows").asInt());
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
  }

  @Test
  void aForeignFolderIsRefusedAndAFailedWriteLeavesTheOutputAsItWas() throws Exception {
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    MetricSpace metric = MetricSpace.euclidean();
    RowBlocks m = spark.of(TestSpark.matrix(120, 6, 0, 5), 2);
    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    assertThatThrownBy(
            () -> spark.writeNeighbours(m, metric, spark.nearest(m, metric, 3), foreign.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("foreign")
        .hasMessageContaining("_SUCCESS");
    assertThat(names(foreign)).containsExactly("notes.txt");

    Path out = dir.resolve("knn");
    spark.writeNeighbours(m, metric, spark.nearest(m, metric, 3), out.toString());
    byte[] before = Files.readAllBytes(out.resolve("manifest.json"));
    // Lists of other rows than the matrix named: found after the job, nothing is committed.
    RowBlocks other = spark.of(TestSpark.matrix(90, 6, 0, 6), 2);
    assertThatThrownBy(
            () -> spark.writeNeighbours(m, metric, spark.nearest(other, metric, 3), out.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("90 rows");
    assertThat(Files.readAllBytes(out.resolve("manifest.json"))).isEqualTo(before);
    assertThat(names(dir)).containsExactly("foreign", "knn");
  }

  @Test
  void theChecksumComesFromTheKnnsReadAndMatchesAReread() throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(300, 10, 6, 41);
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, List.of(Tensors.of("W", w.backingArray(), 300, 10)));
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    MetricSpace metric = MetricSpace.euclidean();
    RowBlocks m = spark.read(file.toString(), 3);
    assertThat(m.recordedChecksum()).isNull();
    JavaRDD<NeighbourBlock> knn = spark.nearest(m, metric, 4);
    // the k-NN's read of the blocks recorded every block's sum: the manifest needs no second read
    assertThat(m.recordedChecksum()).isEqualTo(checksum(w));
    long[] jobs = {0};
    SparkListener count =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart e) {
            jobs[0]++;
          }
        };
    TestSpark.sc().sc().addSparkListener(count);
    try {
      spark.writeNeighbours(m, metric, knn, dir.resolve("knn").toString());
      TestSpark.sc().sc().listenerBus().waitUntilEmpty();
    } finally {
      TestSpark.sc().sc().removeSparkListener(count);
    }
    assertThat(jobs[0]).as("jobs of writeNeighbours: the parts only").isEqualTo(1);
    JsonNode manifest = Cli.JSON.readTree(dir.resolve("knn/manifest.json").toFile());
    assertThat(manifest.get("source_checksum").asText()).isEqualTo(checksum(w));
    // lists not from SparkAnalyses.nearest: the checksum is read from the source
    RowBlocks again = spark.read(file.toString(), 2);
    spark.writeNeighbours(
        again,
        metric,
        SparkKnn.nearest(TestSpark.sc(), again, metric, 4),
        dir.resolve("knn2").toString());
    assertThat(again.recordedChecksum()).isNull();
    assertThat(
            Cli.JSON
                .readTree(dir.resolve("knn2/manifest.json").toFile())
                .get("source_checksum")
                .asText())
        .isEqualTo(checksum(w));
  }

  @Test
  void aLaterWriteRemovesTheTemporaryFoldersOfAKilledOne() throws Exception {
    SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());
    MetricSpace metric = MetricSpace.euclidean();
    RowBlocks m = spark.of(TestSpark.matrix(120, 6, 0, 7), 2);
    Path out = dir.resolve("knn");
    spark.writeNeighbours(m, metric, spark.nearest(m, metric, 3), out.toString());
    byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
    // A writer killed (SIGKILL) between its two renames: its parts, and the output moved aside.
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String dead =
        gone.pid() + "@" + OutputCommit.OWNER.substring(OutputCommit.OWNER.indexOf('@') + 1);
    Path parts = Files.createDirectories(dir.resolve(".knn.tmp-" + dead + "-" + UUID.randomUUID()));
    Files.writeString(parts.resolve("part-00000.safetensors"), "half");
    Files.move(out, dir.resolve(".knn.old-" + dead + "-" + UUID.randomUUID()));
    // A live writer's folder (this JVM) and one that only looks similar stay.
    Path live =
        Files.createDirectories(
            dir.resolve(".knn.tmp-" + OutputCommit.OWNER + "-" + UUID.randomUUID()));
    Path other = Files.createDirectories(dir.resolve(".knn.tmp-notes"));
    // The next write fails after the job: the previous output is back, whole.
    RowBlocks rows90 = spark.of(TestSpark.matrix(90, 6, 0, 6), 2);
    assertThatThrownBy(
            () ->
                spark.writeNeighbours(m, metric, spark.nearest(rows90, metric, 3), out.toString()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readAllBytes(out.resolve("manifest.json"))).isEqualTo(manifest);
    assertThat(names(dir))
        .containsExactlyInAnyOrder(
            "knn", live.getFileName().toString(), other.getFileName().toString());
  }

  @Test
  void sparkMainIsTheGeometryCommandLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SparkMain.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "densest",
            "--help");
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--spark=MASTER").contains("--k");
  }

  /** The manifest's checksum, computed here from the matrix as documented. */
  static String checksum(EmbeddingMatrix w) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long sum = 0;
    for (int i = 0; i < w.rows(); i++) {
      ByteBuffer b = ByteBuffer.allocate(16 + 4 * w.dim()).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(i).putLong(w.id(i));
      for (int j = 0; j < w.dim(); j++) {
        b.putFloat(w.get(i, j));
      }
      sum += ByteBuffer.wrap(sha.digest(b.array())).getLong();
    }
    return String.format("%016x", sum);
  }

  static List<String> names(Path folder) throws java.io.IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
