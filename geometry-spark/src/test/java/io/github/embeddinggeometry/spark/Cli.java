package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code geometry} command line as a process (a JVM with this test's class path: Spark, the
 * library, the geometry-cli module), on loopback only.
 */
final class Cli {
  private Cli() {}

  record Run(int code, String out, String err, double seconds) {
    /** Stderr lines, without the JVM's notice about the incubating Vector API. */
    List<String> errorLines() {
      return err.lines()
          .filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules"))
          .toList();
    }
  }

  /** A started command; stdout and stderr go to files, so the child never blocks on a pipe. */
  record Started(Process process, Path stdout, Path stderr, long t0) {
    Run finish(long seconds) throws Exception {
      assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("command finished").isTrue();
      return new Run(
          process.exitValue(),
          Files.readString(stdout),
          Files.readString(stderr),
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The JVM options Spark's launcher adds (the pom's spark.module.args), as this JVM has them. */
  static List<String> jvm(Path tmp) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx1g",
            "-Djava.awt.headless=true",
            "-Dembgeo.vector=false",
            "-Djava.io.tmpdir=" + tmp,
            "-Dspark.ui.enabled=false",
            "-Dspark.driver.host=127.0.0.1",
            // Executors (on a cluster) start as quickly as this JVM.
            "-Dspark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"));
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-modules")
          || a.startsWith("-XX:+Ign")
          || a.startsWith("-Dio.netty")
          || a.startsWith("--enable-native")
          || a.startsWith("--sun-misc")) {
        cmd.add(a);
      }
    }
    return cmd;
  }

  static Started start(Path tmp, String... args) throws IOException {
    return start(tmp, List.of(), args);
  }

  /** With Java options of the driver, e.g. Spark properties. */
  static Started start(Path tmp, List<String> options, String... args) throws IOException {
    List<String> cmd = jvm(tmp);
    cmd.addAll(options);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add("io.github.embeddinggeometry.cli.GeometryCli");
    cmd.addAll(Arrays.asList(args));
    return launch(cmd, tmp);
  }

  /**
   * {@code geometry densest --model MODEL --k 5 --top 8 --out OUT} (the same small job everywhere)
   * with more arguments, e.g. {@code --spark MASTER}.
   */
  static Started densest(Path tmp, Path model, Path out, String... more) throws IOException {
    return start(tmp, densestArgs(model, out, more));
  }

  /** The arguments of {@link #densest}, for a command started otherwise. */
  static String[] densestArgs(Path model, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "densest",
                "--model",
                model.toString(),
                "--k",
                "5",
                "--top",
                "8",
                "--out",
                out.toString()));
    args.addAll(Arrays.asList(more));
    return args.toArray(String[]::new);
  }

  static Started launch(List<String> cmd, Path tmp) throws IOException {
    Files.createDirectories(tmp);
    Path log = Files.createTempFile(tmp, "run", "");
    Path stdout = Path.of(log + ".out");
    Path stderr = Path.of(log + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long t0 = System.nanoTime();
    return new Started(pb.start(), stdout, stderr, t0);
  }

  /** A matrix file with planted duplicate groups (N x d float32). */
  static Path matrix(Path dir, int n, int d, long seed) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("w-" + n + "x" + d + ".safetensors");
    SafetensorsWriter.write(
        file, List.of(Tensors.of("W", TestSpark.matrix(n, d, 5, seed).backingArray(), n, d)));
    return file;
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * report.json without what differs between two runs of one analysis: time, backend, and the
   * checksum of the report page, which names the backend.
   */
  static JsonNode report(Path folder) throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(folder.resolve("report.json").toFile());
    n.remove("elapsed_seconds");
    n.remove("backend");
    if (n.get("checksums") instanceof ObjectNode sums) {
      sums.remove("index.html");
    }
    return n;
  }
}
