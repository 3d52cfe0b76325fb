package com.example.leanapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime class path of an application that depends on geometry-io alone, as Maven resolves it
 * (target/runtime.classpath, written by this module's build): small, without DJL, JNA or protobuf,
 * and enough to read a {@code .npy} file and compute its k-NN density, in a JVM started on exactly
 * that class path. There, what needs an optional dependency fails with the artifact's coordinates.
 */
class LeanClassPathTest {
  /** The acceptance bound: 5 MB (decimal, the stricter reading). */
  private static final long MAX_BYTES = 5_000_000;

  @TempDir Path tmp;

  /** The resolved runtime class path: jars, or reactor modules' class folders before packaging. */
  private static List<Path> runtimeClassPath() throws IOException {
    String cp = Files.readString(Path.of(System.getProperty("embgeo.runtime.classpath"))).trim();
    return Arrays.stream(cp.split(File.pathSeparator))
        .filter(s -> !s.isEmpty())
        .map(Path::of)
        .collect(Collectors.toList());
  }

  /** The application's own classes followed by its dependencies. */
  private static String appClassPath() throws IOException {
    List<String> parts = new ArrayList<>();
    parts.add(System.getProperty("embgeo.app.classes"));
    runtimeClassPath().forEach(p -> parts.add(p.toString()));
    return String.join(File.pathSeparator, parts);
  }

  private static long bytes(Path p) throws IOException {
    if (Files.isRegularFile(p)) {
      return Files.size(p);
    }
    try (Stream<Path> s = Files.walk(p)) {
      long sum = 0;
      for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        sum += Files.size(f);
      }
      return sum;
    }
  }

  @Test
  void runtimeClassPathIsUnderFiveMegabytesWithoutDjlJnaOrProtobuf() throws IOException {
    List<Path> cp = runtimeClassPath();
    assertThat(cp).as("geometry-io and what it brings").isNotEmpty();
    long total = 0;
    StringBuilder listing = new StringBuilder();
    for (Path p : cp) {
      long b = bytes(p);
      total += b;
      listing.append(String.format(Locale.ROOT, "%n%,12d %s", b, p));
    }
    String all = cp.toString().replace('\\', '/');
    assertThat(all)
        .as("runtime class path:%s", listing)
        .contains("geometry-io")
        .contains("geometry-core")
        .doesNotContain("/ai/djl/")
        .doesNotContain("/net/java/dev/jna/")
        .doesNotContain("/com/google/protobuf/")
        .doesNotContain("langchain4j");
    assertThat(total).as("bytes of the runtime class path:%s", listing).isLessThan(MAX_BYTES);
  }

  /**
   * A JVM with the given options, its standard output (the library's log lines go to standard
   * error); fails the test on a non-zero exit.
   */
  private String run(List<String> options, String main, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options);
    cmd.add(main);
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s did not finish", main).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s%s", cmd, out, Files.readString(err)).isZero();
    return out;
  }

  /** Five points in the plane, no two at the same distance pattern: the nearest are unambiguous. */
  private static final float[][] POINTS = {{0, 0}, {3, 4}, {6, 8}, {0, 1}, {10, 0}};

  /** A float32 C-order .npy file, written byte by byte from the format's definition. */
  private static Path npy(Path file, float[][] rows) throws IOException {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': ("
            + rows.length
            + ", "
            + rows[0].length
            + "), }";
    StringBuilder header = new StringBuilder(dict);
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b =
        ByteBuffer.allocate(10 + h.length + 4 * rows.length * rows[0].length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) h.length).put(h);
    for (float[] r : rows) {
      for (float v : r) {
        b.putFloat(v);
      }
    }
    return Files.write(file, b.array());
  }

  /** Mean of the k smallest distances from row i to the others, in float64. */
  private static double expectedMeanDistance(int i, int k) {
    double[] d = new double[POINTS.length - 1];
    int n = 0;
    for (int j = 0; j < POINTS.length; j++) {
      if (j != i) {
        double dx = (double) POINTS[i][0] - POINTS[j][0];
        double dy = (double) POINTS[i][1] - POINTS[j][1];
        d[n++] = Math.sqrt(dx * dx + dy * dy);
      }
    }
    Arrays.sort(d);
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += d[j];
    }
    return sum / k;
  }

  private static void assertDensities(String out, int k) {
    List<String> lines = out.lines().toList();
    assertThat(lines).as(out).hasSize(POINTS.length);
    for (int i = 0; i < POINTS.length; i++) {
      String[] f = lines.get(i).split(" ");
      assertThat(Integer.parseInt(f[0])).isEqualTo(i);
      assertThat(Double.parseDouble(f[1]))
          .as("row %d", i)
          .isCloseTo(expectedMeanDistance(i, k), org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void npyKnnDensityRunsOnExactlyThatClassPath() throws Exception {
    Path file = npy(tmp.resolve("points.npy"), POINTS);
    String out =
        run(List.of("-cp", appClassPath()), NpyDensity.class.getName(), file.toString(), "2");
    assertDensities(out, 2);
  }

  @Test
  void andWithTheLibraryOnTheModulePath() throws Exception {
    // geometry-io's descriptor names DJL and protobuf with requires static: the module graph
    // resolves without them.
    Path file = npy(tmp.resolve("points.npy"), POINTS);
    String modulePath =
        runtimeClassPath().stream()
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator));
    String out =
        run(
            List.of(
                "--module-path",
                modulePath,
                "--add-modules",
                "io.github.embeddinggeometry.io",
                "-cp",
                System.getProperty("embgeo.app.classes")),
            NpyDensity.class.getName(),
            file.toString(),
            "3");
    assertDensities(out, 3);
  }

  /** A model folder: config.json, a 2 x 2 lm_head.weight in model.safetensors, tokenizer.json. */
  private Path modelFolder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(dir.resolve("config.json"), "{\"tie_word_embeddings\": true}");
    StringBuilder header =
        new StringBuilder(
            "{\"lm_head.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}");
    while (header.length() % 8 != 0) {
      header.append(' ');
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
    Files.write(dir.resolve("model.safetensors"), b.array());
    Files.writeString(
        dir.resolve("tokenizer.json"),
        "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0, \"b\": 1}}}");
    return dir;
  }

  @Test
  void whatNeedsAnOptionalDependencyNamesTheArtifact() throws Exception {
    Path model = modelFolder();
    Path onnx = Files.write(tmp.resolve("m.onnx"), new byte[] {8, 7});
    String out =
        run(
            List.of("-cp", appClassPath() + File.pathSeparator + testClasses()),
            OptionalProbe.class.getName(),
            model.resolve("tokenizer.json").toString(),
            onnx.toString(),
            model.toString());
    String djl = "ai.djl.huggingface:tokenizers:" + System.getProperty("embgeo.djl.version");
    String protobuf =
        "com.google.protobuf:protobuf-java:" + System.getProperty("embgeo.protobuf.version");
    assertThat(out)
        .as(out)
        .contains("tokenizer: java.io.IOException: decoding the tokenizer ")
        .contains("onnx: java.io.IOException: reading the ONNX file " + onnx)
        .contains("onnx-spec: java.io.IOException: reading the ONNX file " + onnx)
        .contains("folder-tokenizer: java.io.IOException: decoding the tokenizer ")
        // The matrix alone needs neither.
        .contains("folder-matrix: ok 2")
        .doesNotContain("NoClassDefFoundError");
    assertThat(out.lines().filter(l -> l.startsWith("tokenizer: ") || l.startsWith("folder-tok")))
        .allSatisfy(l -> assertThat(l).contains(" needs " + djl + ", an optional dependency"));
    assertThat(out.lines().filter(l -> l.startsWith("onnx")))
        .allSatisfy(l -> assertThat(l).contains(" needs " + protobuf + ", an optional dependency"));
  }

  private static String testClasses() {
    return Path.of(System.getProperty("embgeo.app.classes"))
        .resolveSibling("test-classes")
        .toString();
  }
}
