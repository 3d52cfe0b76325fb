package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the user application of {@code src/it/user-app} (built by the invoker plugin against the
 * installed library artifacts, see the {@code user-app} profile) as its users would: on JDK 17 and,
 * when installed, JDK 25, on the class path and as a named module. Each run must print the
 * docs/using.md snippet's line, and nothing on standard error but the JVM's notice that an
 * incubator module is in use and, unless the application turned it off, the library's one INFO
 * line.
 */
class UserAppIT {
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  private static final String INCUBATOR_NOTICE =
      "WARNING: Using incubator modules: jdk.incubator.vector";

  /**
   * Added by name on the module path: the dataset jar is a plain resource jar that no module
   * requires, geometry-io requires the tokenizer (DJL) and protobuf only {@code static}, and DJL's
   * automatic modules use SLF4J without requiring it.
   */
  private static final String ADDED_MODULES =
      "langchain4j.embeddings.all.minilm.l6.v2,ai.djl.tokenizers,com.google.protobuf,org.slf4j";

  @TempDir Path tmp;

  static Stream<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    Path current = Path.of(System.getProperty("java.home"));
    // The logging-off run alternates, so that each JDK and each path runs both ways.
    out.add(Arguments.of(current, false, false));
    out.add(Arguments.of(current, true, true));
    if (Files.isExecutable(JDK25.resolve("bin/java")) && !JDK25.equals(current)) {
      out.add(Arguments.of(JDK25, false, true));
      out.add(Arguments.of(JDK25, true, false));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, module path {1}, logging off {2}")
  @MethodSource("runs")
  void theReadmeSnippetRunsWithoutWarnings(Path jdk, boolean modulePath, boolean quiet)
      throws Exception {
    String dir = System.getProperty("embgeo.userapp.dir");
    assumeTrue(dir != null, "built only with -Puser-app");
    Path app = Path.of(dir);
    Path jar = app.resolve("target/user-app-1.0.jar");
    assertThat(jar).as("the user application built by the invoker plugin").exists();
    List<Path> lib;
    try (Stream<Path> files = Files.list(app.resolve("target/lib"))) {
      lib = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    // What the application depends on, as a user sees it: our two libraries, no ONNX Runtime.
    assertThat(lib.stream().map(p -> p.getFileName().toString()))
        .anyMatch(n -> n.startsWith("geometry-core-"))
        .anyMatch(n -> n.startsWith("geometry-io-"))
        .noneMatch(n -> n.contains("onnxruntime") || n.startsWith("langchain4j-core"));
    int feature = featureVersion(jdk);
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.resolve("bin/java").toString());
    cmd.add("-Xmx2g");
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.addAll(jdk24Flags(feature, modulePath));
    if (quiet) {
      Path props = tmp.resolve("logging.properties");
      Properties p = new Properties();
      p.setProperty("handlers", "java.util.logging.ConsoleHandler");
      p.setProperty("io.github.embeddinggeometry.level", "WARNING");
      try (var out = Files.newOutputStream(props)) {
        p.store(out, "an application turning the library's INFO line off");
      }
      cmd.add("-Djava.util.logging.config.file=" + props);
    }
    String path =
        Stream.concat(Stream.of(jar), lib.stream())
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator));
    if (modulePath) {
      cmd.addAll(List.of("-p", path, "--add-modules", ADDED_MODULES, "-m", "app/app.Main"));
    } else {
      cmd.addAll(List.of("-cp", path, "app.Main"));
    }
    Path stdout = tmp.resolve("stdout.txt");
    Path stderr = tmp.resolve("stderr.txt");
    Process proc =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    boolean done = proc.waitFor(600, TimeUnit.SECONDS);
    if (!done) {
      proc.destroyForcibly();
    }
    String out = Files.readString(stdout, StandardCharsets.UTF_8);
    List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
    String context = String.join(" ", cmd) + "\nstdout:\n" + out + "\nstderr:\n" + err;
    assertThat(done).as(context).isTrue();
    assertThat(proc.exitValue()).as(context).isZero();
    assertThat(out).as(context).startsWith("densest: ").contains("/30 neighbours shared");

    List<String> rest = new ArrayList<>(err);
    assertThat(rest.remove(INCUBATOR_NOTICE))
        .as("the JVM's incubator notice: %s", context)
        .isTrue();
    if (!quiet) {
      // java.util.logging's default format: a line naming the source, then "INFO: message".
      int info = indexOfPrefix(rest, "INFO: embedding-geometry backend: cpu");
      assertThat(info).as("the library's INFO line: %s", context).isPositive();
      assertThat(rest.get(info - 1)).contains("io.github.embeddinggeometry.backend.Backends");
      rest.remove(info);
      rest.remove(info - 1);
    }
    assertThat(rest).as("anything else on standard error: %s", context).isEmpty();
  }

  private static int indexOfPrefix(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /** The feature version of a JDK from its {@code release} file. */
  private static int featureVersion(Path jdk) throws IOException {
    for (String line : Files.readAllLines(jdk.resolve("release"))) {
      if (line.startsWith("JAVA_VERSION=")) {
        String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
        return Integer.parseInt(v.split("[.+-]")[0]);
      }
    }
    throw new IllegalStateException("no JAVA_VERSION in " + jdk.resolve("release"));
  }

  /**
   * The flags without which JDK 24+ warn about JNI (the tokenizer's native library) and
   * sun.misc.Unsafe (protobuf), as docs/using.md and the launcher give them; none before JDK 24,
   * which rejects them.
   */
  static List<String> jdk24Flags(int feature, boolean modulePath) {
    if (feature < 24) {
      return List.of();
    }
    return List.of(
        "--enable-native-access=" + (modulePath ? "ai.djl.tokenizers,com.sun.jna" : "ALL-UNNAMED"),
        "--sun-misc-unsafe-memory-access=allow");
  }
}
