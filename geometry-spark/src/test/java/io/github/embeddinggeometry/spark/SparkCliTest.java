package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code geometry ... --spark MASTER} as a user meets it: a bad or unreachable master, an output
 * folder that cannot be written and a SIGTERM end in one line on stderr with exit 2 or 143, Spark's
 * own log in spark.log and not on the terminal, and no scratch folder left behind.
 */
class SparkCliTest {
  @TempDir Path dir;

  @Test
  void badMastersEndInOneLineWithExit2() throws Exception {
    Path w = Cli.matrix(dir, 200, 8, 3);
    for (String master : List.of("bogus://x", "local[0]", "", "spark://127.0.0.1:1")) {
      Path out = dir.resolve("out-" + Math.abs(master.hashCode()));
      Cli.Run r = Cli.densest(dir.resolve("tmp"), w, out, "--spark", master).finish(120);
      assertThat(r.code()).as(master + ": " + r.err()).isEqualTo(2);
      assertThat(r.errorLines()).as(master).hasSize(1);
      assertThat(r.errorLines().get(0))
          .startsWith("geometry densest: error: ")
          .contains(master.isEmpty() ? "master is empty" : master);
      assertThat(String.join("\n", r.errorLines()))
          .doesNotContain("\tat ", "SLF4J", "log4j", "INFO", "WARN");
      if (master.startsWith("spark://")) {
        // Spark alone retries an unreachable master for over a minute; the check takes seconds
        // (the bound leaves room for a JVM start on a loaded machine).
        assertThat(r.seconds()).isLessThan(45);
        assertThat(r.errorLines().get(0)).contains("no master answers at 127.0.0.1:1");
      }
    }
    assertThat(scratchFolders(dir.resolve("tmp"))).isEmpty();
  }

  @Test
  void anOutputFolderThatCannotBeWrittenIsOneLineWithExit2() throws Exception {
    Path out = Path.of("/sys/embedding-geometry-test-out");
    assumeFalse(Files.exists(out) || out.toFile().mkdir(), "a folder that cannot be created");
    Path w = Cli.matrix(dir, 150, 8, 5);
    Cli.Run r = Cli.densest(dir.resolve("tmp"), w, out, "--spark", "local[2]").finish(300);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.errorLines()).as(r.err()).hasSize(1);
    assertThat(String.join("\n", r.errorLines())).doesNotContain("\tat ", "WARN", "ERROR");
    assertThat(scratchFolders(dir.resolve("tmp"))).isEmpty();
  }

  /**
   * {@code --spark local[8]}: the single machine's report, and the whole run (the backend's
   * start-up agreement check on 384 rows, then densest on 300) in a few tasks. When the planner
   * took the 8 cores for one executor's and its heap for all eight, the agreement check alone
   * became 1-row blocks: 73,920 pair tasks, still running after 4 minutes.
   */
  @Test
  void local8SparkGivesTheSingleMachineReportInFewTasksAndLeavesNoScratch() throws Exception {
    Path w = Cli.matrix(dir, 300, 16, 7);
    Path one = dir.resolve("one");
    Path spark = dir.resolve("spark");
    Path counts = dir.resolve("tasks.txt");
    Cli.Started a = Cli.densest(dir.resolve("tmp"), w, one, "--quiet");
    Cli.Run ra = a.finish(300);
    Cli.Run rb =
        Cli.start(
                dir.resolve("tmp"),
                List.of(
                    // eight pair tasks at once need more than the 1 GB heap of the other tests
                    "-Xmx2g",
                    "-Dspark.extraListeners=" + TaskCounter.class.getName(),
                    "-Dembgeo.test.tasks=" + counts),
                Cli.densestArgs(w, spark, "--spark", "local[8]", "--quiet"))
            .finish(300);
    assertThat(ra.code()).as(ra.err()).isZero();
    assertThat(rb.code()).as(rb.err()).isZero();
    assertThat(rb.errorLines()).isEmpty();
    assertThat(Cli.report(spark)).isEqualTo(Cli.report(one));
    String[] ran = Files.readString(counts).trim().split(" ");
    long tasks = Long.parseLong(ran[0]);
    long stages = Long.parseLong(ran[1]);
    long widest = Long.parseLong(ran[2]);
    // 384 and 300 rows are one block each on any cluster (Planner.minBlockRows): one task per
    // stage; the limits leave room for stages Spark adds, not for blocks of a few rows.
    assertThat(tasks).as("tasks of %d stages", stages).isPositive().isLessThanOrEqualTo(4 * stages);
    assertThat(widest).isLessThanOrEqualTo(4);
    assertThat(scratchFolders(dir.resolve("tmp"))).isEmpty();
  }

  /**
   * spark-submit (spark-core's SparkSubmit, the command line's classes on its class path): Spark
   * had loaded its INFO console profile for itself before SparkMain runs, and put it back at its
   * first record; the terminal shows nothing of Spark's log.
   */
  @Test
  void sparkSubmitKeepsSparksLogOffTheTerminal() throws Exception {
    Path w = Cli.matrix(dir, 200, 8, 3);
    Path out = dir.resolve("submitted");
    List<String> cmd = new ArrayList<>(Cli.jvm(dir.resolve("tmp")));
    // Without the test classes: their log4j2-test.properties would configure log4j before Spark,
    // which a spark-submit never finds.
    String classPath =
        Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(e -> !e.endsWith("test-classes"))
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    cmd.addAll(
        List.of(
            "-cp",
            classPath,
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local[2]",
            "--class",
            SparkMain.class.getName(),
            "spark-internal"));
    cmd.addAll(List.of(Cli.densestArgs(w, out, "--spark", "local[2]", "--quiet")));
    Cli.Run r = Cli.launch(cmd, dir.resolve("tmp")).finish(300);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.errorLines()).as(r.err()).isEmpty();
    assertThat(r.out()).doesNotContain("INFO", "WARN");
    assertThat(out.resolve("report.json")).exists();
  }

  @Test
  void sigtermMidJobExits143WithOneLineAndNoScratch() throws Exception {
    Path w = Cli.matrix(dir, 6000, 64, 11);
    Path tmp = dir.resolve("tmp");
    Cli.Started s =
        Cli.start(
            tmp,
            "density-vs-norm",
            "--spark",
            "local[2]",
            "--model",
            w.toString(),
            "--k",
            "10",
            "--out",
            dir.resolve("out").toString(),
            "--quiet");
    // Wait until Spark has put its block manager into this run's scratch folder.
    long end = System.nanoTime() + 120_000_000_000L;
    while (!hasBlockManager(tmp) && s.process().isAlive() && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(s.process().isAlive()).as("still running").isTrue();
    Thread.sleep(1500);
    long t0 = System.nanoTime();
    s.process().destroy(); // SIGTERM
    Cli.Run r = s.finish(60);
    double stopSeconds = (System.nanoTime() - t0) / 1e9;
    assertThat(r.code()).as(r.err()).isEqualTo(143);
    assertThat(r.errorLines()).as(r.err()).hasSize(1);
    assertThat(r.errorLines().get(0)).startsWith("geometry: interrupted");
    assertThat(r.err()).doesNotContain("\tat ", "Exception");
    assertThat(scratchFolders(tmp)).as(listing(tmp)).isEmpty();
    assertThat(stopSeconds).isLessThan(10);
  }

  static String listing(Path tmp) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return String.join("\n", s.map(Path::toString).limit(50).toList());
    }
  }

  static boolean hasBlockManager(Path tmp) throws java.io.IOException {
    for (Path p : scratchFolders(tmp)) {
      try (Stream<Path> s = Files.list(p)) {
        if (s.anyMatch(f -> f.getFileName().toString().startsWith("blockmgr-"))) {
          return true;
        }
      } catch (java.io.IOException e) {
        // Deleted meanwhile.
      }
    }
    return false;
  }

  /** What a run may leave in its temp folder: Spark's and this library's scratch folders. */
  static List<Path> scratchFolders(Path tmp) throws java.io.IOException {
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("geometry-spark-")
                    || n.startsWith("blockmgr-")
                    || n.startsWith("spark-");
              })
          .toList();
    }
  }
}
