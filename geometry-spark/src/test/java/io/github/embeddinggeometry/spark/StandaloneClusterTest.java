package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /**
   * MiniLM (the default model) pairwise statistics and the PCA frame through {@code --spark
   * spark://127.0.0.1:PORT} and nothing else: report.json and the files each command writes
   * (distances.safetensors, cluster_reference_frame.safetensors) are the single machine's bytes.
   */
  @Test
  @Tag("standalone-cluster")
  void miniLmPairwiseAndFrameOnTwoWorkersAreTheSingleMachinesBits() throws Exception {
    try (StandaloneCluster c = new StandaloneCluster(dir.resolve("cluster-root"), 2)) {
      for (String analysis : List.of("pairwise", "frame")) {
        Path one = dir.resolve(analysis + "-one");
        Path cluster = dir.resolve(analysis + "-cluster");
        Cli.Run r =
            Cli.start(
                    dir.resolve("tmp"),
                    analysis,
                    "--spark",
                    c.url(),
                    "--out",
                    cluster.toString(),
                    "--quiet")
                .finish(900);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.errorLines()).as(r.err()).isEmpty();
        Cli.Run rs =
            Cli.start(dir.resolve("tmp"), analysis, "--out", one.toString(), "--quiet").finish(900);
        assertThat(rs.code()).as(rs.err()).isZero();
        assertSameOutputs(one, cluster);
      }
      assertThat(executorJars(c.root)).isPositive();
    }
  }

  /**
   * {@code kill -9} of a worker (and so of its executor) while the command runs: the lost stages
   * re-run on the other worker, and the outputs are still the single machine's bits. Densest on a
   * 12,000-row file, and MiniLM pairwise (its PCA and distance jobs).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("killed")
  @Tag("standalone-cluster")
  void aWorkerKilledMidJobStillGivesTheSingleMachinesBits(String name, List<String> args)
      throws Exception {
    String matrix = Cli.matrix(dir, 12000, 64, 17).toString();
    List<String> command = args.stream().map(a -> a.equals("MATRIX") ? matrix : a).toList();
    Path one = dir.resolve("one");
    Path cluster = dir.resolve("cluster");
    try (StandaloneCluster c = new StandaloneCluster(dir.resolve("cluster-root"), 2)) {
      List<String> onCluster = new ArrayList<>(command);
      onCluster.addAll(List.of("--spark", c.url(), "--out", cluster.toString()));
      Cli.Started s = Cli.start(dir.resolve("tmp"), onCluster.toArray(String[]::new));
      // Kill worker 0 (and so its executor) once its executor has started working.
      long end = System.nanoTime() + 180_000_000_000L;
      while (executorJars(c.root.resolve("work-0")) == 0 && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      Thread.sleep(3000);
      assertThat(s.process().isAlive()).as("the job still runs when the worker dies").isTrue();
      c.workers.get(0).destroyForcibly();
      Cli.Run r = s.finish(900);
      assertThat(r.code()).as(r.err()).isZero();
    }
    List<String> single = new ArrayList<>(command);
    single.addAll(List.of("--out", one.toString()));
    Cli.Run rs = Cli.start(dir.resolve("tmp"), single.toArray(String[]::new)).finish(900);
    assertThat(rs.code()).as(rs.err()).isZero();
    assertSameOutputs(one, cluster);
  }

  static Stream<Arguments> killed() {
    return Stream.of(
        Arguments.of(
            "densest, 12,000 x 64",
            List.of("densest", "--model", "MATRIX", "--k", "10", "--top", "10", "--quiet")),
        Arguments.of("pairwise, MiniLM", List.of("pairwise", "--quiet")));
  }

  /**
   * report.json (less time and backend) equal, and every other file of the single machine's folder,
   * figures, the report page (it names the backend) and the run's lock file aside, the same bytes
   * in the cluster's.
   */
  static void assertSameOutputs(Path one, Path cluster) throws java.io.IOException {
    assertThat(Cli.report(cluster)).isEqualTo(Cli.report(one));
    try (Stream<Path> files = Files.list(one)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        // .geometry.lock names its run; report.json was compared above
        if (!name.equals("report.json")
            && !name.equals("index.html")
            && !name.endsWith(".png")
            && !name.startsWith(".")
            && Files.isRegularFile(f)) {
          assertThat(Files.mismatch(f, cluster.resolve(name))).as(name).isEqualTo(-1L);
        }
      }
    }
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
