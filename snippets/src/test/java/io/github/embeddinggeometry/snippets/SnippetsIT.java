package io.github.embeddinggeometry.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The projects the READMEs show, built verbatim and run as their readers would. Every fenced block
 * that follows a line {@code <!-- snippet: PATH -->} is written, unchanged, to PATH in a fresh
 * folder; a nested Maven builds that folder against this build's own jars and poms, and the program
 * runs on a generated {@code .npy} file whose densest row the test knows from a float64 brute-force
 * computation.
 *
 * <p>The nested builds never touch the user's Maven repository: they use a repository of their own
 * under {@code target/} that holds this reactor's artifacts (copied in by this test, so no {@code
 * mvn install} is needed) and read everything else through the outer build's local repository as a
 * {@code file:} remote, then Maven Central: a minimal project uses Maven's default plugins, which
 * the outer build never fetched, so the nested builds go online for those (also under {@code mvn
 * -o}; what they download stays in their own repository).
 */
class SnippetsIT {
  private static final Path ROOT = Path.of(System.getProperty("embgeo.root", "..")).normalize();
  private static final String VERSION = property("embgeo.version");
  private static final Path WORK =
      Path.of(property("embgeo.snippets.repository")).getParent().resolve("snippet-projects");
  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  private static final String GROUP = "io.github.embeddinggeometry";
  private static final String INCUBATOR_NOTICE =
      "WARNING: Using incubator modules: jdk.incubator.vector";
  private static final Pattern MARKER = Pattern.compile("^<!-- snippet: (\\S+) -->$");
  private static final Pattern RESULT =
      Pattern.compile("^densest row (\\d+), mean distance to its 10 nearest ([0-9.]+)$");

  /** The rows of the generated matrix: a Gaussian cloud and a tight cluster planted in it. */
  private static final int ROWS = 400;

  private static final int DIM = 16;
  private static final int K = 10;
  private static final int CLUSTER_START = 150;
  private static final int CLUSTER_ROWS = 12;

  private static float[][] data;
  private static double[] meanKnn64;

  @BeforeAll
  static void prepare() throws IOException {
    installReactorArtifacts(Path.of(property("embgeo.snippets.repository")));
    data = generate();
    meanKnn64 = meanKnnDistances(data, K);
  }

  /** The JDK of this build, and JDK 25 when {@code -Dsnippets.all=true}. */
  static Stream<Path> jdks() {
    return Stream.of(Path.of(System.getProperty("java.home")), JDK25).distinct();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theReadmeProjectRunsOnTheClassPathAndTheModulePath(Path jdk) throws Exception {
    assumeJdk(jdk);
    Path project = writeProject("readme", jdk, snippets(ROOT.resolve("README.md")));
    List<String> java = new ArrayList<>();
    for (String line : snippet(ROOT.resolve("README.md"), "run.sh").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      // Each line of the README's commands as its reader would type it, one shell each.
      Result r = run(List.of("bash", "-c", line), project, jdk, Map.of(), 600);
      assertThat(r.exit).as("%s%n%s", line, r).isZero();
      if (line.startsWith("java ")) {
        java.add(line);
        checkResult(r.out.strip(), r);
        checkStandardError(r);
      }
    }
    assertThat(java)
        .as("the README runs the program on the class path and on the module path")
        .anyMatch(l -> l.contains(" -cp "))
        .anyMatch(l -> l.contains(" -p ") && l.contains(" -m "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theSparkProjectRunsALocalJob(Path jdk) throws Exception {
    assumeJdk(jdk);
    Path readme = ROOT.resolve("geometry-spark/README.md");
    Path project = writeProject("spark", jdk, snippets(readme));
    Result build =
        run(
            List.of(
                "mvn",
                "-B",
                "-q",
                "package",
                "org.apache.maven.plugins:maven-dependency-plugin:"
                    + property("embgeo.dependency.plugin.version")
                    + ":build-classpath",
                "-Dmdep.outputFile=classpath.txt"),
            project,
            jdk,
            Map.of(),
            600);
    assertThat(build.exit).as("%s", build).isZero();
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.resolve("bin/java").toString());
    cmd.add("-Xmx1g");
    // What spark-submit would add: Spark's own module options, and the Vector API.
    cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split("\\s+")));
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    cmd.addAll(
        List.of(
            "-Dspark.master=local[2]",
            "-Dspark.driver.host=127.0.0.1",
            "-Dspark.ui.enabled=false",
            "-cp",
            "target/spark-density-1.0.jar"
                + File.pathSeparator
                + Files.readString(project.resolve("classpath.txt")).strip(),
            "app.Main",
            project.resolve("embeddings.npy").toString()));
    Result r = run(cmd, project, jdk, Map.of("SPARK_LOCAL_IP", "127.0.0.1"), 600);
    assertThat(r.exit).as("%s", r).isZero();
    checkResult(r.out.strip(), r);
  }

  /**
   * The versions the geometry-spark project pins are those geometry-spark is built and tested with.
   */
  @Test
  void theSparkProjectPinsTheVersionsGeometrySparkUses() throws IOException {
    String pom = Files.readString(ROOT.resolve("geometry-spark/pom.xml"));
    String snippet = snippet(ROOT.resolve("geometry-spark/README.md"), "pom.xml");
    assertThat(versionOf(snippet, "spark-core_2.13")).isEqualTo(tag(pom, "spark.version"));
    assertThat(versionOf(snippet, "jackson-bom")).isEqualTo(tag(pom, "jackson.version"));
    assertThat(snippet.indexOf("jackson-bom"))
        .as("Jackson's BOM is imported before geometry-bom, so its versions win")
        .isLessThan(snippet.indexOf("geometry-bom"));
    for (Path readme :
        List.of(ROOT.resolve("README.md"), ROOT.resolve("geometry-spark/README.md"))) {
      assertThat(versionOf(snippet(readme, "pom.xml"), "geometry-bom"))
          .as("%s: the BOM's version", readme)
          .isEqualTo(VERSION);
    }
  }

  /** The marked blocks are taken as they are: every line, indentation kept, nothing else. */
  @Test
  void aMarkedBlockIsTakenVerbatim(@TempDir Path tmp) throws IOException {
    Path page = tmp.resolve("page.md");
    Files.writeString(
        page,
        "# Page\n\n```xml\n<unmarked/>\n```\n\n<!-- snippet: a/b.txt -->\n```text\n  one\n\ntwo\n```\n"
            + "<!-- snippet: pom.xml -->\n```xml\n<project/>\n```\n");
    assertThat(snippets(page))
        .containsExactly(
            Map.entry("a/b.txt", "  one\n\ntwo\n"), Map.entry("pom.xml", "<project/>\n"));
  }

  @Test
  void aMarkerWithoutItsBlockFails(@TempDir Path tmp) throws IOException {
    Path page = tmp.resolve("page.md");
    Files.writeString(page, "<!-- snippet: pom.xml -->\ntext\n");
    assertThatThrownBy(() -> snippets(page)).hasMessageContaining("a fenced block follows");
    Files.writeString(page, "<!-- snippet: pom.xml -->\n```xml\n<project/>\n");
    assertThatThrownBy(() -> snippets(page)).hasMessageContaining("the block is closed");
  }

  // ---- the program's answer, checked against float64 ---------------------------------------

  /**
   * The printed row must be one whose float64 mean distance to its k nearest is the smallest (up to
   * float32 rounding), inside the planted cluster, and the printed mean distance its float64 value.
   */
  private static void checkResult(String line, Result r) {
    Matcher m = RESULT.matcher(line);
    assertThat(m.matches()).as("the program's line: %s", r).isTrue();
    int row = Integer.parseInt(m.group(1));
    double printed = Double.parseDouble(m.group(2));
    double best = Double.POSITIVE_INFINITY;
    for (double v : meanKnn64) {
      best = Math.min(best, v);
    }
    assertThat(row)
        .as("densest row, %s", r)
        .isBetween(CLUSTER_START, CLUSTER_START + CLUSTER_ROWS - 1);
    assertThat(meanKnn64[row]).as("row %d is the densest, %s", row, r).isLessThan(best + 1e-6);
    assertThat(printed).as("its mean distance, %s", r).isCloseTo(meanKnn64[row], within(2e-6));
  }

  /**
   * Nothing on standard error but the JVM's incubator notice and the library's one INFO line (two
   * lines in java.util.logging's default format).
   */
  private static void checkStandardError(Result r) {
    List<String> rest = new ArrayList<>(r.err.lines().filter(l -> !l.isBlank()).toList());
    assertThat(rest.remove(INCUBATOR_NOTICE)).as("the JVM's incubator notice: %s", r).isTrue();
    int info = -1;
    for (int i = 1; i < rest.size(); i++) {
      if (rest.get(i).startsWith("INFO: embedding-geometry backend: ")) {
        info = i;
      }
    }
    assertThat(info).as("the library's INFO line: %s", r).isPositive();
    assertThat(rest.get(info - 1)).contains("io.github.embeddinggeometry.backend.Backends");
    rest.remove(info);
    rest.remove(info - 1);
    assertThat(rest).as("anything else on standard error: %s", r).isEmpty();
  }

  private static float[][] generate() {
    Random random = new Random(20261205);
    float[][] w = new float[ROWS][DIM];
    float[] centre = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      centre[j] = (float) random.nextGaussian();
    }
    for (int i = 0; i < ROWS; i++) {
      boolean planted = i >= CLUSTER_START && i < CLUSTER_START + CLUSTER_ROWS;
      for (int j = 0; j < DIM; j++) {
        w[i][j] =
            planted
                ? centre[j] + (float) (0.05 * random.nextGaussian())
                : (float) random.nextGaussian();
      }
    }
    return w;
  }

  /** Each row's mean Euclidean distance to its k nearest other rows, in float64, by brute force. */
  private static double[] meanKnnDistances(float[][] w, int k) {
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      double[] d = new double[w.length - 1];
      int n = 0;
      for (int j = 0; j < w.length; j++) {
        if (j != i) {
          double s = 0;
          for (int c = 0; c < w[i].length; c++) {
            double x = (double) w[i][c] - w[j][c];
            s += x * x;
          }
          d[n++] = Math.sqrt(s);
        }
      }
      Arrays.sort(d);
      double sum = 0;
      for (int t = 0; t < k; t++) {
        sum += d[t];
      }
      out[i] = sum / k;
    }
    return out;
  }

  /** A version-1.0 {@code .npy} file of little-endian float32 in C order, written by hand. */
  private static void writeNpy(Path file, float[][] w) throws IOException {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + w.length + ", " + DIM + "), }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + 4 * w.length * DIM)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    for (float[] row : w) {
      for (float v : row) {
        b.putFloat(v);
      }
    }
    Files.write(file, b.array());
  }

  // ---- the snippets --------------------------------------------------------------------------

  /** Every marked block of a Markdown page, by the path its marker names. */
  static Map<String, String> snippets(Path markdown) throws IOException {
    List<String> lines = Files.readAllLines(markdown);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      assertThat(i + 1 < lines.size() && lines.get(i + 1).startsWith("```"))
          .as("%s:%d: a fenced block follows the marker", markdown, i + 1)
          .isTrue();
      StringBuilder text = new StringBuilder();
      int j = i + 2;
      while (j < lines.size() && !lines.get(j).startsWith("```")) {
        text.append(lines.get(j)).append('\n');
        j++;
      }
      assertThat(j).as("%s:%d: the block is closed", markdown, i + 2).isLessThan(lines.size());
      assertThat(out.put(m.group(1), text.toString()))
          .as("%s: two blocks for %s", markdown, m.group(1))
          .isNull();
      i = j;
    }
    assertThat(out).as("%s: marked blocks", markdown).containsKeys("pom.xml");
    return out;
  }

  private static String snippet(Path markdown, String path) throws IOException {
    String s = snippets(markdown).get(path);
    assertThat(s).as("%s: a block marked %s", markdown, path).isNotNull();
    return s;
  }

  /**
   * A fresh project folder holding the snippets, the generated {@code embeddings.npy}, and a {@code
   * .mvn/maven.config} that points the snippets' own {@code mvn} commands at the test's settings.
   */
  private static Path writeProject(String name, Path jdk, Map<String, String> files)
      throws IOException {
    Path dir = WORK.resolve(name + "-" + jdk.getFileName());
    deleteTree(dir);
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (f.getKey().endsWith(".sh")) {
        continue; // commands, run line by line
      }
      Path target = dir.resolve(f.getKey()).normalize();
      assertThat(target.startsWith(dir)).as("snippet path %s", f.getKey()).isTrue();
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue());
    }
    writeNpy(dir.resolve("embeddings.npy"), data);
    Path settings = dir.resolve(".mvn/settings.xml");
    Files.createDirectories(settings.getParent());
    Files.writeString(settings, settingsXml());
    Files.writeString(dir.resolve(".mvn/maven.config"), "-s\n" + settings + "\n");
    return dir;
  }

  private static String settingsXml() {
    String outer = Path.of(property("embgeo.outer.repository")).toUri().toString();
    String repository =
        "<id>outer-local-repository</id><url>"
            + outer
            + "</url><snapshots><enabled>false</enabled></snapshots>";
    return "<settings>\n  <localRepository>"
        + property("embgeo.snippets.repository")
        + "</localRepository>\n"
        + "  <profiles><profile><id>outer</id>\n"
        + "    <repositories><repository>"
        + repository
        + "</repository></repositories>\n"
        + "    <pluginRepositories><pluginRepository>"
        + repository
        + "</pluginRepository></pluginRepositories>\n"
        + "  </profile></profiles>\n"
        + "  <activeProfiles><activeProfile>outer</activeProfile></activeProfiles>\n"
        + "</settings>\n";
  }

  /**
   * Puts this reactor's poms and jars where the nested builds look for them: the parent and the BOM
   * from their pom files, each library with the jar this build made (on the test class path).
   */
  private static void installReactorArtifacts(Path repo) throws IOException {
    install(repo, "embedding-geometry-parent", ROOT.resolve("pom.xml"), null);
    install(repo, "geometry-bom", ROOT.resolve("geometry-bom/pom.xml"), null);
    for (String module : List.of("geometry-core", "geometry-io", "geometry-spark")) {
      Path jar = null;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        if (Path.of(entry).getFileName().toString().equals(module + "-" + VERSION + ".jar")) {
          jar = Path.of(entry);
        }
      }
      assertThat(jar).as("%s's jar on the test class path", module).isNotNull();
      install(repo, module, ROOT.resolve(module).resolve("pom.xml"), jar);
    }
  }

  private static void install(Path repo, String artifact, Path pom, Path jar) throws IOException {
    Path dir = repo.resolve(GROUP.replace('.', '/')).resolve(artifact).resolve(VERSION);
    Files.createDirectories(dir);
    Files.copy(
        pom, dir.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(
          jar, dir.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static void assumeJdk(Path jdk) {
    boolean current = jdk.equals(Path.of(System.getProperty("java.home")));
    assumeTrue(
        current || Boolean.parseBoolean(System.getProperty("embgeo.snippets.all")),
        "JDK " + jdk + " runs with -Dsnippets.all=true");
    assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "no JDK at " + jdk);
  }

  record Result(List<String> command, int exit, String out, String err) {
    @Override
    public String toString() {
      return String.join(" ", command)
          + "\nexit "
          + exit
          + "\nstdout:\n"
          + out
          + "\nstderr:\n"
          + err;
    }
  }

  /** Runs a command in {@code dir} with {@code jdk} and this build's Maven first on the PATH. */
  private static Result run(
      List<String> cmd, Path dir, Path jdk, Map<String, String> env, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(WORK, "out", ".txt");
    Path err = Files.createTempFile(WORK, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment()
        .put(
            "PATH",
            jdk.resolve("bin")
                + File.pathSeparator
                + Path.of(property("embgeo.maven.home")).resolve("bin")
                + File.pathSeparator
                + System.getenv("PATH"));
    pb.environment().remove("MAVEN_OPTS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
    }
    Result r =
        new Result(
            cmd,
            done ? p.exitValue() : -1,
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    assertThat(done).as("finished within %d s: %s", timeoutSeconds, r).isTrue();
    return r;
  }

  private static String versionOf(String pom, String artifactId) {
    Matcher m =
        Pattern.compile(
                "<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)<")
            .matcher(pom);
    assertThat(m.find()).as("a version for %s", artifactId).isTrue();
    return m.group(1);
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)<").matcher(xml);
    assertThat(m.find()).as("<%s>", name).isTrue();
    return m.group(1);
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      throw new IllegalStateException(
          name + " is not set: run SnippetsIT through Maven (failsafe)");
    }
    return v;
  }

  private static void deleteTree(Path dir) throws IOException {
    Files.createDirectories(WORK);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
