package io.github.embeddinggeometry.spark;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster on 127.0.0.1, started from spark-core's own classes ({@code Master},
 * {@code Worker}) in JVMs of their own: a master and {@code workers} workers of one core and 1 GB.
 * Executors get Spark's class path only ({@code SPARK_HOME/jars}, links to this test's Spark jars):
 * this library's classes reach them only as the driver ships them.
 */
final class StandaloneCluster implements AutoCloseable {
  final Path root;
  final int port;
  final Process master;
  final List<Process> workers = new ArrayList<>();
  private final Path masterLog;

  StandaloneCluster(Path root, int workers) throws Exception {
    this.root = root;
    Path home = root.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    List<String> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      String name = p.getFileName().toString();
      // Jars only (the reactor's own modules are class folders); never this project's artifacts.
      if (name.endsWith(".jar") && !e.contains("embeddinggeometry") && Files.isRegularFile(p)) {
        Path link = jars.resolve(name);
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
        cp.add(e);
      }
    }
    String classPath = String.join(File.pathSeparator, cp);
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    masterLog = root.resolve("master.log");
    master =
        start(
            home,
            classPath,
            masterLog,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--webui-port",
            "0");
    for (int i = 0; i < workers; i++) {
      Path work = Files.createDirectories(root.resolve("work-" + i));
      this.workers.add(
          start(
              home,
              classPath,
              root.resolve("worker-" + i + ".log"),
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--webui-port",
              "0",
              "--cores",
              "1",
              "--memory",
              "1g",
              "--work-dir",
              work.toString(),
              url()));
    }
    awaitWorkers(workers);
  }

  String url() {
    return "spark://127.0.0.1:" + port;
  }

  private Process start(Path home, String cp, Path log, String main, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(Cli.jvm(root.resolve("tmp")));
    cmd.set(cmd.indexOf("-Xmx1g"), "-Xmx256m");
    cmd.addAll(List.of("-cp", cp, main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Files.createDirectories(root.resolve("tmp"));
    return pb.start();
  }

  /** Until the master's log has registered every worker (two minutes at most). */
  private void awaitWorkers(int n) throws Exception {
    long end = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < end) {
      String log = Files.exists(masterLog) ? Files.readString(masterLog) : "";
      if (log.split("Registering worker", -1).length - 1 >= n) {
        return;
      }
      if (!master.isAlive()) {
        throw new IllegalStateException("the master ended:\n" + log);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "workers did not register within 2 minutes:\n" + Files.readString(masterLog));
  }

  @Override
  public void close() throws Exception {
    for (Process w : workers) {
      w.destroyForcibly();
    }
    master.destroyForcibly();
    for (Process w : workers) {
      w.waitFor();
    }
    master.waitFor();
    // Executors end when their worker is gone.
    for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
      if (h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")) {
        h.destroyForcibly();
      }
    }
  }
}
