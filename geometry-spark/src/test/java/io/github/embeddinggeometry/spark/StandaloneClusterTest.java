package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code geometry --spark spark://127.0.0.1:PORT} on a real standalone cluster (a master and two
 * workers in JVMs of their own), with no flag beyond the master: the command line ships its jars,
 * the executors compute, the report equals the single machine's. The short case runs in every
 * build; a worker killed mid-job runs in the profile {@code standalone-cluster}.
 */
class StandaloneClusterTest {
  @TempDir Path dir;

  @Test
  void densestOnTwoWorkersIsTheSingleMachinesReport() throws Exception {
    Path w = Cli.matrix(dir, 400, 16, 13);
    Path one = dir.resolve("one");
    Path cluster = dir.resolve("cluster");
    Cli.Started single = Cli.densest(dir.resolve("tmp"), w, one, "--quiet");
    try (StandaloneCluster c = new StandaloneCluster(dir.resolve("cluster-root"), 2)) {
      Cli.Run r =
          Cli.densest(dir.resolve("tmp"), w, cluster, "--spark", c.url(), "--quiet").finish(300);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.errorLines()).as(r.err()).isEmpty();
      // The tasks ran in the workers' executors, which loaded the shipped jars.
      assertThat(executorJars(c.root)).isPositive();
    }
    Cli.Run rs = single.finish(300);
    assertThat(rs.code()).as(rs.err()).isZero();
    assertThat(Cli.report(cluster)).isEqualTo(Cli.report(one));
    assertThat(SparkCliTest.scratchFolders(dir.resolve("tmp"))).isEmpty();
  }

  @Test
  @Tag("standalone-cluster")
  void anExecutorRequestNoWorkerOffersEndsInOneLine() throws Exception {
    Path w = Cli.matrix(dir, 100, 8, 19);
    try (StandaloneCluster c = new StandaloneCluster(dir.resolve("cluster-root"), 1)) {
      // More memory than the worker offers: one line naming it, not a job queued forever.
      Cli.Run big =
          Cli.start(
                  dir.resolve("tmp"),
                  List.of("-Dspark.executor.memory=16g", "-Dspark.embgeo.executorTimeout=5s"),
                  "densest",
                  "--spark",
                  c.url(),
                  "--model",
                  w.toString(),
                  "--out",
                  dir.resolve("big").toString(),
                  "--quiet")
              .finish(300);
      assertThat(big.code()).as(big.err()).isEqualTo(2);
      assertThat(big.errorLines()).as(big.err()).hasSize(1);
      assertThat(big.errorLines().get(0))
          .contains("no executor started within 5 s")
          .contains("spark.executor.memory=16g");
    }
  }

  @Test
  @Tag("standalone-cluster")
  void aWorkerKilledMidJobStillGivesTheSingleMachinesBits() throws Exception {
    Path w = Cli.matrix(dir, 12000, 64, 17);
    Path one = dir.resolve("one");
    Path cluster = dir.resolve("cluster");
    String[] args = {"--model", w.toString(), "--k", "10", "--top", "10", "--quiet"};
    try (StandaloneCluster c = new StandaloneCluster(dir.resolve("cluster-root"), 2)) {
      Cli.Started s =
          Cli.start(
              dir.resolve("tmp"),
              concat("densest", "--spark", c.url(), "--out", cluster.toString(), args));
      // Kill worker 0 (and so its executor) once its executor has started working.
      long end = System.nanoTime() + 180_000_000_000L;
      while (executorJars(c.root.resolve("work-0")) == 0 && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      Thread.sleep(3000);
      assertThat(s.process().isAlive()).as("the job still runs when the worker dies").isTrue();
      c.workers.get(0).destroyForcibly();
      Cli.Run r = s.finish(600);
      assertThat(r.code()).as(r.err()).isZero();
    }
    Cli.Run rs =
        Cli.start(dir.resolve("tmp"), concat("densest", "--out", one.toString(), args)).finish(600);
    assertThat(rs.code()).as(rs.err()).isZero();
    assertThat(Cli.report(cluster)).isEqualTo(Cli.report(one));
  }

  private static String[] concat(String a, String b, String c, String d, String e, String[] rest) {
    return Stream.concat(Stream.of(a, b, c, d, e), Stream.of(rest)).toArray(String[]::new);
  }

  private static String[] concat(String a, String b, String c, String[] rest) {
    return Stream.concat(Stream.of(a, b, c), Stream.of(rest)).toArray(String[]::new);
  }

  /** Jars fetched into the executors' work folders (app-*&#47;N/*.jar). */
  static long executorJars(Path root) throws java.io.IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar"))
          .filter(p -> !p.startsWith(root.resolve("spark-home")))
          .count();
    }
  }
}
