package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.cli.output.AtomicFiles;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the command prints: one summary line per step on stdout, and progress bars on stderr for
 * tasks that run longer than {@link #BAR_DELAY_MS}, so quick steps do not flicker a bar. {@code
 * --quiet} silences both.
 */
final class Console implements ProgressListener {
  /** A task shows a bar once it has run this long without finishing. */
  static final long BAR_DELAY_MS = 1500;

  private final PrintStream out;
  private final PrintStream err;
  private final boolean quiet;
  private final boolean interactive = System.console() != null;
  private final Map<String, Task> tasks = new HashMap<>();

  /** What runs now, for the one-line message when memory runs out. */
  private volatile String step = "starting";

  private volatile String task;

  private static final class Task {
    final long startNanos = System.nanoTime();
    ProgressBar bar;
    long lastDone;
  }

  Console(PrintStream out, PrintStream err, boolean quiet) {
    this.out = out;
    this.err = err;
    this.quiet = quiet;
  }

  boolean quiet() {
    return quiet;
  }

  /** Marks the start of a step (a subcommand of {@code all}, loading the model ...). */
  void step(String name) {
    step = name;
    task = null;
  }

  /** The running step and, when one reported progress, its current task. */
  String where() {
    String t = task;
    return t == null ? step : step + " (" + t + ")";
  }

  /** Long computations stop once the command is shutting down (SIGINT, SIGTERM). */
  @Override
  public boolean isCancelled() {
    return AtomicFiles.isAbandoned();
  }

  /** Lets {@code table} print to stdout unless quiet (the examples' tables). */
  void print(Consumer<PrintStream> table) {
    if (!quiet) {
      synchronized (this) {
        finishBars();
        table.accept(out);
        out.flush();
      }
    }
  }

  /** One line on stdout unless quiet. */
  void line(String text) {
    if (!quiet) {
      synchronized (this) {
        finishBars();
        out.println(text);
        out.flush();
      }
    }
  }

  @Override
  public synchronized void progress(String task, long done, long total) {
    this.task = task;
    if (quiet) {
      return;
    }
    Task t = tasks.computeIfAbsent(task, k -> new Task());
    if (done < t.lastDone) {
      // A task name reused for a new pass: start over.
      closeBar(t);
      tasks.remove(task);
      t = tasks.computeIfAbsent(task, k -> new Task());
    }
    t.lastDone = done;
    long elapsedMs = (System.nanoTime() - t.startNanos) / 1_000_000;
    if (t.bar == null && done < total && elapsedMs >= BAR_DELAY_MS) {
      t.bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(
                  interactive
                      ? new ConsoleProgressBarConsumer(err)
                      // Redirected output (CI logs, files) gets whole lines, not carriage returns.
                      : new DelegatingProgressBarConsumer(err::println, 100))
              .setUpdateIntervalMillis(interactive ? 250 : 10_000)
              .setMaxRenderedLength(100)
              .startsFrom(done, Duration.ofMillis(elapsedMs))
              .build();
    }
    if (t.bar != null) {
      t.bar.maxHint(total);
      t.bar.stepTo(done);
      if (done >= total) {
        closeBar(t);
      }
    }
    if (done >= total) {
      tasks.remove(task);
    }
  }

  /** Closes every open bar (called at the end of each step). */
  synchronized void finishBars() {
    for (Task t : tasks.values()) {
      closeBar(t);
    }
    tasks.clear();
  }

  private static void closeBar(Task t) {
    if (t.bar != null) {
      t.bar.close();
      t.bar = null;
    }
  }
}
