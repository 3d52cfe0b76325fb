package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;

/**
 * Runs the driver side of a job and turns a failed Spark job caused by bad input (a non-finite row,
 * a malformed file, a bad argument) back into that exception with its own message, instead of a
 * SparkException holding an executor's stack trace.
 */
final class Jobs {
  /** How Spark names the task's exception in the job's failure message. */
  private static final Pattern TASK_FAILURE =
      Pattern.compile("(?:executor [^)]*\\)|Exception): ([\\w.$]+(?:Exception|Error)): ([^\\n]*)");

  private static final Pattern NON_FINITE =
      Pattern.compile("row (\\d+) \\(vocabulary id (\\d+)\\) holds .*");

  private Jobs() {}

  static <T> T run(Supplier<T> job) {
    try {
      return job.get();
    } catch (Exception e) { // SparkException is checked, though Scala code throws it undeclared
      throw Jobs.<RuntimeException>sneaky(clean(e));
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E sneaky(Exception e) throws E {
    throw (E) e;
  }

  /** A job cancelled (by a user, or by the context's stop on SIGINT/SIGTERM). */
  private static final Pattern CANCELLED =
      Pattern.compile("SPARK_JOB_CANCELLED|\\bJob \\d+ cancelled");

  /** Failures of the cluster rather than of the input or the code. */
  private static final Pattern CLUSTER =
      Pattern.compile(
          "ExecutorLostFailure|All masters are unresponsive|Master removed our application"
              + "|SparkContext was shut down|Could not find CoarseGrainedScheduler");

  /**
   * A cancelled job as a {@link java.util.concurrent.CancellationException}, a lost cluster as an
   * {@link UncheckedIOException} (an environment failure, not a bug), with Spark's first line.
   */
  private static Exception environment(String text, Exception e) {
    String first = text.strip().lines().findFirst().orElse("").strip();
    if (CANCELLED.matcher(text).find()) {
      java.util.concurrent.CancellationException c =
          new java.util.concurrent.CancellationException("the Spark job was cancelled: " + first);
      c.initCause(e);
      return c;
    }
    if (CLUSTER.matcher(text).find()) {
      String m = "the Spark cluster failed: " + first;
      return new UncheckedIOException(m, new IOException(m, e));
    }
    return e;
  }

  /** The input exception behind a failed job, or {@code e} itself. */
  static Exception clean(Exception e) {
    SparkException spark = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkException s && spark == null) {
        spark = s;
      } else if (spark != null) {
        if (t instanceof IllegalArgumentException a) {
          return a;
        }
        if (t instanceof UncheckedIOException u) {
          return u;
        }
        if (t instanceof IOException io) {
          return new UncheckedIOException(io.getMessage(), io);
        }
      }
    }
    if (spark == null) {
      return e;
    }
    // The task's exception did not travel back as a cause: rebuild it from the message Spark
    // composed, "... (... executor driver): some.Exception: message".
    String text = String.valueOf(spark.getMessage());
    Matcher m = TASK_FAILURE.matcher(text);
    if (!m.find()) {
      return environment(text, e);
    }
    String type = m.group(1);
    String message = m.group(2);
    if (type.equals(NonFiniteRowException.class.getName())) {
      Matcher nf = NON_FINITE.matcher(message);
      if (nf.matches()) {
        return new NonFiniteRowException(message, Integer.parseInt(nf.group(2)));
      }
    }
    if (type.endsWith("IllegalArgumentException") || type.endsWith("MalformedFileException")) {
      return new IllegalArgumentException(message);
    }
    if (type.endsWith("UncheckedIOException") || type.endsWith("IOException")) {
      return new UncheckedIOException(message, new IOException(message));
    }
    return e;
  }
}
