package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.status.api.v1.ExecutorSummary;

/**
 * Starting (or joining) a context from Spark's own properties; kept apart from the provider.
 *
 * <p>A context started here is made to work with nothing set by hand: the master is checked first
 * (an unreachable standalone master fails in seconds, not after Spark's minute of retries), the
 * library's jars are shipped to the executors ({@code spark.jars}, unless set), a local or loopback
 * master keeps the driver on 127.0.0.1, the driver's scratch space ({@code spark.local.dir}: block
 * manager, shuffle files) is a folder of this run that is deleted when the context stops, also on
 * SIGINT/SIGTERM, and on a cluster the start waits for an executor instead of queueing jobs that no
 * worker can take.
 */
final class SparkContexts {
  private static final String OWNER = "spark.embgeo.owner";

  /** How long a cluster may take to give the application its first executor. */
  static final String EXECUTOR_TIMEOUT = "spark.embgeo.executorTimeout";

  /** How long the shutdown hook waits for Spark to stop before it deletes the scratch folder. */
  private static final long STOP_MILLIS = 5000;

  /** How long the shutdown hook keeps deleting a scratch folder that late tasks refill. */
  private static final long DELETE_MILLIS = 3000;

  private SparkContexts() {}

  /** A context from Spark's own properties, or the one already running; see {@link Opened}. */
  static Opened open(String appName) {
    String token = UUID.randomUUID().toString();
    SparkConf conf =
        new SparkConf()
            .setIfMissing("spark.master", "local[*]")
            .setIfMissing("spark.app.name", appName)
            // A context started here logs warnings only (-Dspark.log.level=INFO for more).
            .setIfMissing("spark.log.level", "WARN")
            .set(OWNER, token);
    if (conf.contains(SparkLogs.FILE)) {
      SparkLogs.toFile(
          conf.get(SparkLogs.FILE).isEmpty() ? null : Path.of(conf.get(SparkLogs.FILE)));
    }
    String master = conf.get("spark.master");
    Masters.check(master);
    if (Masters.loopback(master)) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1")
          .setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    Path scratch = scratch(conf);
    conf.set("spark.local.dir", scratch.toString());
    if (!master.startsWith("local[") && !master.equals("local") && !conf.contains("spark.jars")) {
      conf.set("spark.jars", ShippedJars.of(scratch));
    }
    shipArithmetic(conf);
    // The hooks go in before the context starts: a signal during its start (seconds on a busy
    // machine) must not leave the folder behind either.
    AtomicReference<SparkContext> started = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              // The JVM is exiting on a signal: Spark's threads, stopped mid-task, print stack
              // traces straight to standard error (not through the log); the command line has said
              // its one line through the stream it kept.
              System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
              stopAndDelete(started.get(), scratch);
            },
            "geometry-spark-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    Runnable late = afterSparkStops(scratch);
    SparkContext sc;
    try {
      // A context the application already started (e.g. under spark-submit) is joined and left
      // running; one started here carries the token.
      sc = SparkContext.getOrCreate(conf);
    } catch (Exception e) { // SparkException is checked, though Scala code throws it undeclared
      forget(hook, late);
      delete(scratch);
      throw new IllegalArgumentException(
          "Spark master " + master + ": " + firstLine(e.getMessage()), e);
    }
    started.set(sc);
    boolean owned = token.equals(sc.getConf().get(OWNER, ""));
    if (!owned) {
      forget(hook, late);
      delete(scratch);
      return new Opened(JavaSparkContext.fromSparkContext(sc), false, null, null, null);
    }
    Opened opened = new Opened(JavaSparkContext.fromSparkContext(sc), true, scratch, hook, late);
    try {
      awaitExecutor(sc, master);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    return opened;
  }

  /**
   * The driver's explicit choice of kernel arithmetic ({@code -Dembgeo.vector}, {@code
   * -Dembgeo.fma}) for the executors too: the bits agree only where every JVM computes alike.
   */
  private static void shipArithmetic(SparkConf conf) {
    String key = "spark.executor.extraJavaOptions";
    StringBuilder opts = new StringBuilder(conf.get(key, ""));
    for (String p : new String[] {"embgeo.vector", "embgeo.fma"}) {
      String v = System.getProperty(p);
      if (v != null && !v.isBlank() && !v.contains(" ") && opts.indexOf("-D" + p + "=") < 0) {
        opts.append(opts.length() == 0 ? "" : " ").append("-D").append(p).append('=').append(v);
      }
    }
    if (opts.length() > 0) {
      conf.set(key, opts.toString());
    }
  }

  /** This run's scratch folder, inside the configured local folder or the JVM's temp folder. */
  private static Path scratch(SparkConf conf) {
    String configured = conf.get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    Path base = Path.of(configured.split(",")[0].trim());
    try {
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "geometry-spark-");
    } catch (IOException | RuntimeException e) {
      String m =
          "cannot create a scratch folder in " + base + " (spark.local.dir): " + e.getMessage();
      throw new UncheckedIOException(m, new IOException(m, e));
    }
  }

  /**
   * On a cluster, waits until an executor has registered: a request no worker can satisfy (more
   * memory or cores than a worker has) otherwise queues every job without end.
   */
  private static void awaitExecutor(SparkContext sc, String master) {
    SparkConf conf = sc.getConf();
    if (master.startsWith("local") || conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      return;
    }
    long timeout = conf.getTimeAsMs(EXECUTOR_TIMEOUT, "60s");
    if (!executors(sc, timeout).isEmpty()) {
      return;
    }
    if (sc.isStopped()) {
      throw new IllegalArgumentException(
          "Spark master " + master + " ended the application before an executor started");
    }
    throw new IllegalArgumentException(
        String.format(
            java.util.Locale.ROOT,
            "Spark master %s: no executor started within %d s; no worker offers"
                + " spark.executor.memory=%s and spark.executor.cores=%s (lower them, add"
                + " workers, or wait longer with -D%s=120s)",
            master,
            timeout / 1000,
            conf.get("spark.executor.memory", "1g"),
            conf.get("spark.executor.cores", "all of a worker's"),
            EXECUTOR_TIMEOUT));
  }

  /**
   * The executors registered with the driver (the driver itself not counted), waiting up to {@code
   * timeoutMs} for the first: the one wait of both the context's start and the planner. Empty when
   * none registered in time, or the context stopped meanwhile.
   *
   * @throws java.util.concurrent.CancellationException if the thread is interrupted while waiting
   */
  static List<ExecutorSummary> executors(SparkContext sc, long timeoutMs) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      List<ExecutorSummary> found = new ArrayList<>();
      for (ExecutorSummary e :
          scala.jdk.javaapi.CollectionConverters.asJava(sc.statusStore().executorList(true))) {
        if (!e.id().equals("driver") && e.totalCores() > 0) {
          found.add(e);
        }
      }
      if (!found.isEmpty() || sc.isStopped() || System.nanoTime() > end) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted waiting for executors");
      }
    }
  }

  /**
   * The shutdown path (SIGINT/SIGTERM, or an exit without close): cancels the jobs so that Spark's
   * own stop does not wait for queued tasks, stops the context for at most {@link #STOP_MILLIS},
   * then deletes the scratch folder whatever state Spark is in.
   */
  private static void stopAndDelete(SparkContext sc, Path scratch) {
    if (sc == null) {
      delete(scratch);
      return;
    }
    Thread stop =
        new Thread(
            () -> {
              try {
                sc.cancelAllJobs();
                sc.stop();
              } catch (RuntimeException e) {
                // Stopping anyway; the folder goes below.
              }
            },
            "geometry-spark-stop");
    stop.setDaemon(true);
    stop.start();
    try {
      stop.join(STOP_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Tasks still ending may write into it meanwhile: again until it stays gone.
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELETE_MILLIS);
    do {
      delete(scratch);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    } while (Files.exists(scratch) && System.nanoTime() < end);
  }

  /**
   * Deletes the scratch folder once more after all of Spark's shutdown hooks: they run inside one
   * hook of Hadoop's manager (priority 40) and may recreate the folder itself while stopping (its
   * local-folder lookup makes the root again), after the JVM hook above has deleted it. Hadoop runs
   * its hooks one after another, highest priority first, so this one comes last.
   */
  private static Runnable afterSparkStops(Path scratch) {
    Runnable late =
        () -> {
          for (int i = 0; i < 10; i++) {
            delete(scratch);
            if (!Files.exists(scratch)) {
              return;
            }
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              return;
            }
          }
        };
    try {
      org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(late, 1);
    } catch (RuntimeException | LinkageError e) {
      // Already shutting down, or no Hadoop: the JVM hook's deletion has to do.
    }
    return late;
  }

  /** Withdraws both hooks (a context not started here, or none started). */
  private static void forget(Thread hook, Runnable late) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(late);
    } catch (IllegalStateException e) {
      // Shutting down already: the hooks run, and find the folder gone.
    }
  }

  /** Deletes a folder tree, ignoring what vanishes meanwhile; a second pass for late writers. */
  static void delete(Path dir) {
    for (int pass = 0; pass < 2 && Files.exists(dir); pass++) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.deleteIfExists(p);
                  } catch (IOException e) {
                    // A file still being written, or a folder just refilled: the next pass.
                  }
                });
      } catch (IOException | UncheckedIOException e) {
        // Walked while deleted: the next pass.
      }
    }
  }

  private static String firstLine(String s) {
    String m = s == null ? "" : s.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  /**
   * A context and whether this class started it (and its user must stop it); a started one's
   * scratch folder is deleted when it is closed.
   */
  record Opened(JavaSparkContext sc, boolean owned, Path scratch, Thread hook, Runnable late)
      implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        sc.stop();
        delete(scratch);
        forget(hook, late);
      }
    }
  }

  static SparkBackend backend() {
    Opened o = open("embedding-geometry");
    // The backend stops a context it owns; the scratch folder then goes at the latest when the
    // JVM exits (the shutdown hook stays registered), Spark having removed its contents.
    return new SparkBackend(o.sc(), o.sc().getConf().getInt("spark.embgeo.blocks", 0), o.owned());
  }
}
