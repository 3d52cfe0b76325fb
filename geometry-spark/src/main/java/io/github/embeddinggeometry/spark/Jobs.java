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
    Matcher m = TASK_FAILURE.matcher(String.valueOf(spark.getMessage()));
    if (!m.find()) {
      return e;
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
