package io.github.embeddinggeometry.cli;

import static io.github.embeddinggeometry.cli.GeometryCliTest.ALL_ROWS;
import static io.github.embeddinggeometry.cli.GeometryCliTest.badInput;
import static io.github.embeddinggeometry.cli.GeometryCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.cli.output.FolderLock;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run may write and where, in-process: never over a file it reads, never an empty or
 * undecodable folder, one run per folder, stale temporary files removed, every option checked
 * before anything is written, and a report whose checksums describe the files beside it.
 */
class OutputFoldersTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static TinyModel model;

  /** A complete pairwise run: its folder holds report.json and distances.safetensors. */
  static Path done;

  @BeforeAll
  static void writeModel() throws IOException {
    model = new TinyModel(tmp.resolve("tiny"));
    done = tmp.resolve("done");
    pairwise(done).assertOk();
  }

  record Outcome(GeometryCliTest.Result r) {
    Outcome assertOk() {
      assertThat(r.code()).as(r.err()).isZero();
      return this;
    }
  }

  static Outcome pairwise(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("pairwise", "--model", model.dir.toString(), ALL_ROWS, "--quiet", "--out"));
    args.add(out.toString());
    args.addAll(List.of(more));
    return new Outcome(run(args.toArray(String[]::new)));
  }

  /** {@code geometry all} on every row of the tiny model, quietly. */
  static GeometryCliTest.Result all(TinyModel model, Path out) {
    return run(
        "all",
        "--model",
        model.dir.toString(),
        ALL_ROWS,
        "--eps",
        "0.01",
        "--k",
        "5",
        "--top",
        "10",
        "--quiet",
        "--out",
        out.toString());
  }

  static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  /** A copy of {@link #done}, so each test may spoil its own. */
  static Path copyOfDone(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    try (Stream<Path> s = Files.list(done)) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  // ---- the report names every file with its size and SHA-256 ----------------------------------

  @Test
  void reportChecksumsDescribeTheFilesBesideIt() throws Exception {
    JsonNode r = JSON.readTree(done.resolve(Outputs.REPORT).toFile());
    List<String> listed = new ArrayList<>();
    r.get("figures").forEach(n -> listed.add(n.asText()));
    r.get("files").forEach(n -> listed.add(n.asText()));
    assertThat(listed).containsExactlyInAnyOrder("pairwise_distances.png", "distances.safetensors");
    assertThat(r.get("page").asText()).isEqualTo(Outputs.PAGE);
    listed.add(Outputs.PAGE);
    List<String> described = new ArrayList<>();
    r.get("checksums").fieldNames().forEachRemaining(described::add);
    assertThat(described).containsExactlyInAnyOrderElementsOf(listed);
    for (String name : listed) {
      Path f = done.resolve(name);
      JsonNode c = r.get("checksums").get(name);
      assertThat(c.get("bytes").asLong()).as(name).isEqualTo(Files.size(f));
      assertThat(c.get("sha256").asText()).as(name).isEqualTo(sha256(f));
    }
    // 240 x 240 float32 distances + 240 int64 ids + a header: a wrong size would show.
    assertThat(r.get("checksums").get("distances.safetensors").get("bytes").asLong())
        .isGreaterThan(240L * 240 * 4 + 240 * 8);
  }

  /** Every file a report lists is one the step declares, so the input check covers them all. */
  @Test
  void stepsWriteOnlyTheFilesTheyDeclare() throws Exception {
    Path out = tmp.resolve("all");
    GeometryCliTest.Result r = all(model, out);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Outputs.STEP_FILES.keySet()).containsExactlyInAnyOrderElementsOf(Outputs.STEPS);
    for (String step : Outputs.STEPS) {
      JsonNode rep = JSON.readTree(out.resolve(step).resolve(Outputs.REPORT).toFile());
      List<String> written = new ArrayList<>();
      rep.get("figures").forEach(n -> written.add(n.asText()));
      rep.get("files").forEach(n -> written.add(n.asText()));
      assertThat(Outputs.STEP_FILES.get(step))
          .as(step)
          .containsExactlyInAnyOrderElementsOf(written);
      try (Stream<Path> s = Files.list(out.resolve(step))) {
        List<String> present =
            s.map(p -> p.getFileName().toString())
                .filter(
                    n ->
                        !n.equals(Outputs.REPORT)
                            && !n.equals(Outputs.PAGE)
                            && !n.equals(FolderLock.NAME))
                .toList();
        assertThat(present).as(step).containsExactlyInAnyOrderElementsOf(written);
      }
    }
  }

  // ---- never over an input ---------------------------------------------------------------------

  @Test
  void modelInTheOutputFolderIsRefused() throws Exception {
    Path d = copyOfDone("model-in-out");
    Path input = d.resolve("distances.safetensors");
    byte[] before = Files.readAllBytes(input);
    badInput(
        "is the input " + input,
        "pairwise",
        "--model",
        input + ":distances",
        ALL_ROWS,
        "--quiet",
        "--out",
        d.toString());
    assertThat(Files.readAllBytes(input)).isEqualTo(before);
    // Refused before anything was removed or written: the old report is still there.
    assertThat(d.resolve(Outputs.REPORT)).exists();
  }

  @Test
  void tokenizerThatIsTheReportIsRefused() throws Exception {
    Path d = copyOfDone("tokenizer-in-out");
    Path report = d.resolve(Outputs.REPORT);
    Files.copy(
        model.dir.resolve("tokenizer.json"),
        report,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    byte[] before = Files.readAllBytes(report);
    badInput(
        "--tokenizer " + report,
        "clusters",
        "--model",
        model.dir.toString(),
        "--tokenizer",
        report.toString(),
        ALL_ROWS,
        "--quiet",
        "--out",
        d.toString());
    assertThat(Files.readAllBytes(report)).isEqualTo(before);
  }

  /** A hard link is the same file under another name: found by identity, not by name. */
  @Test
  void hardLinkedShardAndMetricAreRefused() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("hard-linked"));
    Path shard = model.dir.resolve("model.safetensors");
    byte[] before = Files.readAllBytes(shard);
    Files.createLink(out.resolve(FrameStep.FILE), shard);
    badInput(
        "the output " + out.resolve(FrameStep.FILE) + " is the input",
        "frame",
        "--model",
        model.dir.toString(),
        ALL_ROWS,
        "--eps",
        "0.01",
        "--quiet",
        "--out",
        out.toString());
    assertThat(Files.readAllBytes(shard)).isEqualTo(before);

    Path metric = tmp.resolve("M.npy");
    double[] m = new double[TinyModel.D * TinyModel.D];
    for (int i = 0; i < TinyModel.D; i++) {
      m[i * TinyModel.D + i] = 1;
    }
    NpyWriter.write(metric, Tensors.of("M", m, TinyModel.D, TinyModel.D));
    Path out2 = Files.createDirectories(tmp.resolve("hard-linked-metric"));
    Files.createLink(out2.resolve("densest_causal_neighbors.png"), metric);
    badInput(
        "(from --metric " + metric,
        "densest",
        "--model",
        model.dir.toString(),
        "--metric",
        metric.toString(),
        "--k",
        "5",
        "--top",
        "10",
        "--quiet",
        "--out",
        out2.toString());
    assertThat(Files.size(metric)).isEqualTo(128 + 8L * m.length);
  }

  /** A symbolic link at an output name is replaced, never followed: the input is safe. */
  @Test
  void linkToAnInputAtAnOutputNameIsReplaced() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("linked-input"));
    Path shard = model.dir.resolve("model.safetensors");
    byte[] before = Files.readAllBytes(shard);
    Files.createSymbolicLink(out.resolve(PairwiseStep.MATRIX_FILE), shard);
    pairwise(out).assertOk();
    assertThat(Files.isSymbolicLink(out.resolve(PairwiseStep.MATRIX_FILE))).isFalse();
    assertThat(Files.readAllBytes(shard)).isEqualTo(before);
  }

  // ---- folder names ----------------------------------------------------------------------------

  @Test
  void emptyOrUndecodableFolderIsRefused() {
    badInput("--out is empty", "pairwise", "--model", model.dir.toString(), "--out", "");
    badInput(
        "not valid in the file-name encoding",
        "pairwise",
        "--model",
        model.dir.toString(),
        "--out",
        tmp.resolve("bad\uFFFDname").toString());
    assertThat(tmp.resolve("bad\uFFFDname")).doesNotExist();
    badInput("FOLDER is empty", "example", "frame", "");
    badInput("FOLDER", "example", "hf-folder", "x\uFFFD");
    badInput("takes no arguments", "example", "pairwise", "extra");
  }

  // ---- every option checked before anything is written -----------------------------------------

  @Test
  void optionsAreCheckedBeforeAnyOutput() {
    Path out = tmp.resolve("never-written");
    String o = out.toString();
    String m = model.dir.toString();
    badInput("same PC", "pairwise", "--model", m, "--north", "1", "--meridian", "1", "--out", o);
    badInput("same PC", "all", "--model", m, "--north", "2", "--equinox", "-2", "--out", o);
    badInput("--meridian must be a PC index", "clusters", "--meridian", "0", "--out", o);
    badInput("--eps must be in 0..", "clusters", "--model", m, "--eps", "1e308", "--out", o);
    badInput("--eps must be in 0..", "frame", "--model", m, "--eps", "NaN", "--out", o);
    badInput("--box LAT_MAX must be in -90..90", "pairwise", "--box=0,91,0,1,0,1", "--out", o);
    badInput("--box LON_MIN must be in -180..180", "density-field", "--box=0,1,-181,1,0,1");
    badInput("--box R_MAX must be in 0..", "pairwise", "--box=0,1,0,1,0,Infinity", "--out", o);
    badInput("--box R_MIN must be in 0..", "pairwise", "--box=0,1,0,1,-1,1", "--out", o);
    assertThat(out).doesNotExist();
  }

  /** The largest eps accepted is one the histogram can draw. */
  @Test
  void largestEpsIsDrawn() throws Exception {
    Path out = tmp.resolve("huge-eps");
    GeometryCliTest.Result r =
        run(
            "clusters",
            "--model",
            model.dir.toString(),
            ALL_ROWS,
            "--eps",
            Double.toString(Float.MAX_VALUE),
            "--quiet",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(out.resolve(Outputs.REPORT).toFile()).get("largest_size").asInt())
        .isEqualTo(TinyModel.N);
  }

  // ---- one writer per folder -------------------------------------------------------------------

  @Test
  void anExampleDoesNotWriteIntoAFolderAnotherRunHolds(@TempDir Path tmp) throws Exception {
    Path d = Files.createDirectories(tmp.resolve("frame"));
    try (FolderLock held = FolderLock.tryTake(d)) {
      assertThat(held).isNotNull();
      badInput("another geometry run", "example", "frame", d.toString());
    }
    try (var files = Files.list(d)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly(FolderLock.NAME);
    }
  }

  @Test
  void busyFolderIsRefusedOrWaitedFor() throws Exception {
    Path d = copyOfDone("busy");
    byte[] report = Files.readAllBytes(d.resolve(Outputs.REPORT));
    CompletableFuture<GeometryCliTest.Result> waiting;
    try (FolderLock held = FolderLock.tryTake(d)) {
      assertThat(held).isNotNull();
      badInput(
          "another geometry run",
          "pairwise",
          "--model",
          model.dir.toString(),
          "--box=-90,90,-180,0,0,1e9",
          "--out",
          d.toString());
      // Nothing touched: the report of the run that holds the folder stays.
      assertThat(Files.readAllBytes(d.resolve(Outputs.REPORT))).isEqualTo(report);
      waiting =
          CompletableFuture.supplyAsync(
              () ->
                  run(
                      "pairwise",
                      "--model",
                      model.dir.toString(),
                      "--box=-90,90,-180,0,0,1e9",
                      "--wait",
                      "--out",
                      d.toString()));
      Thread.sleep(700);
      assertThat(waiting).isNotDone();
      assertThat(Files.readAllBytes(d.resolve(Outputs.REPORT))).isEqualTo(report);
    }
    GeometryCliTest.Result r = waiting.get(120, TimeUnit.SECONDS);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("waiting for another geometry run (pid ");
    assertThat(Files.readAllBytes(d.resolve(Outputs.REPORT))).isNotEqualTo(report);
  }

  @Test
  void staleTemporaryFilesAreRemovedByTheNextRun() throws Exception {
    Path d = copyOfDone("stale");
    Path stale =
        Files.write(d.resolve("distances.safetensors.1f3a9c0b7d2e4f56.tmp"), new byte[1000]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(60)));
    // Not ours by name: kept.
    Path other = Files.writeString(d.resolve("notes.tmp"), "mine");
    Path upper = Files.writeString(d.resolve("x.ABC.tmp"), "mine");
    pairwise(d).assertOk();
    assertThat(stale).doesNotExist();
    assertThat(other).exists();
    assertThat(upper).exists();
    try (Stream<Path> s = Files.list(d)) {
      Iterator<Path> it = s.iterator();
      while (it.hasNext()) {
        String n = it.next().getFileName().toString();
        assertThat(n.matches(".+\\.[0-9a-f]+\\.tmp")).as(n).isFalse();
      }
    }
  }
}
