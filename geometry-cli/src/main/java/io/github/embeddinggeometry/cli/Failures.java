package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.cli.output.AtomicFiles;
import io.github.embeddinggeometry.cli.output.OutOfSpaceException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Turns whatever ended a command into its exit code and one line on stderr. Only a bug (exit 1) has
 * a stack trace, and it goes to a log file in the output folder ({@code --debug} prints it too);
 * the terminal never shows one otherwise.
 */
final class Failures {
  static final int OK = 0;
  static final int BUG = 1;
  static final int BAD_INPUT = 2;
  static final int OUT_OF_RESOURCES = 3;

  /** Exit code of a run stopped by SIGINT (128 + 2); the JVM's own for that signal. */
  static final int INTERRUPTED = 130;

  static final String LOG = "geometry-error.log";

  private Failures() {}

  /**
   * Reports {@code e} and returns the exit code.
   *
   * @param command the command's name for the message, e.g. "geometry pairwise"
   * @param where the step that was running
   * @param logDir the output folder, where a bug's stack trace goes
   */
  static int report(
      String command, Throwable e, String where, Path logDir, boolean debug, PrintStream err) {
    if (AtomicFiles.isAbandoned()) {
      // Stopped by a signal: the shutdown hook says so, the JVM sets 130 or 143.
      return INTERRUPTED;
    }
    if (e instanceof CancellationException) {
      err.println(command + ": cancelled during " + where);
      return INTERRUPTED;
    }
    if (e instanceof OutOfMemoryError) {
      long mb = Runtime.getRuntime().maxMemory() >> 20;
      err.printf(
          Locale.ROOT,
          "%s: out of memory during %s (Java heap %,d MB); raise it, e.g."
              + " GEOMETRY_JAVA_OPTS=-Xmx%dg ./geometry ...%n",
          command,
          where,
          mb,
          Math.max(2, 2 * ((mb >> 10) + 1)));
      return OUT_OF_RESOURCES;
    }
    if (e instanceof OutOfSpaceException) {
      err.println(command + ": " + oneLine(e));
      return OUT_OF_RESOURCES;
    }
    if (isBadInput(e)) {
      err.println(command + ": error: " + oneLine(e));
      return BAD_INPUT;
    }
    String log = writeLog(command, e, where, logDir);
    err.println(
        command
            + ": internal error during "
            + where
            + ": "
            + e.getClass().getSimpleName()
            + ": "
            + oneLine(e)
            + " (a bug; "
            + (log == null ? "no log could be written" : "stack trace in " + log)
            + (debug ? ")" : ", --debug prints it)"));
    if (debug) {
      e.printStackTrace(err);
    }
    return BUG;
  }

  static boolean isBadInput(Throwable ex) {
    return ex instanceof UserInputException
        || ex instanceof IllegalArgumentException
        || ex instanceof UnsupportedOperationException
        || ex instanceof IOException
        || ex instanceof UncheckedIOException;
  }

  static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      m = ex.getClass().getSimpleName();
    }
    return m.replaceAll("\\s*\\R\\s*", " ");
  }

  /** The stack trace in {@code logDir}/geometry-error.log; null when it cannot be written. */
  private static String writeLog(String command, Throwable e, String where, Path logDir) {
    StringWriter trace = new StringWriter();
    try (PrintWriter w = new PrintWriter(trace)) {
      w.printf("%s, %s, during %s, Java %s%n", Instant.now(), command, where, Runtime.version());
      e.printStackTrace(w);
    }
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(LOG);
      AtomicFiles.write(log, trace.toString().getBytes(StandardCharsets.UTF_8));
      return log.toString();
    } catch (IOException | RuntimeException again) {
      return null;
    }
  }
}
