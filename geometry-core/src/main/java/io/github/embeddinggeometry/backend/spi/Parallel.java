package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs tiles of work on all cores: the calling thread plus the workers of one shared daemon {@link
 * ForkJoinPool}, pulling tile numbers from a shared counter (dynamic scheduling, so uneven tiles
 * balance out). The number of threads is {@code -Dembgeo.threads} (default: all available
 * processors).
 *
 * <p>Progress is reported after every tile under a lock, so {@code done} never decreases;
 * cancellation ({@link ProgressListener#isCancelled()}, or an interrupt of the calling thread) is
 * polled between tiles and ends the run with a {@link CancellationException}. The first exception
 * thrown by a tile stops the other workers and is rethrown to the caller.
 *
 * @since 0.1
 */
public final class Parallel {
  private static final int THREADS = Settings.threads();

  private static final class PoolHolder {
    static final ForkJoinPool POOL =
        new ForkJoinPool(
            Math.max(1, THREADS - 1),
            pool -> {
              ForkJoinWorkerThread t =
                  ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
              t.setDaemon(true);
              t.setName("embgeo-cpu-" + t.getPoolIndex());
              return t;
            },
            null,
            false);
  }

  private Parallel() {}

  /**
   * Number of threads a parallel run uses.
   *
   * @return {@code -Dembgeo.threads}, or the available processors
   */
  public static int threads() {
    return THREADS;
  }

  /**
   * A listener that reports nothing but forwards cancellation of {@code progress}.
   *
   * @param progress the listener whose cancellation counts
   * @return the silent listener
   */
  public static ProgressListener silent(ProgressListener progress) {
    return new ProgressListener() {
      @Override
      public void progress(String task, long done, long total) {}

      @Override
      public boolean isCancelled() {
        return progress.isCancelled();
      }
    };
  }

  /**
   * A listener for one step of a longer task: reports {@code before + done} out of {@code total} to
   * {@code progress}, and forwards cancellation.
   *
   * @param progress the listener of the whole task
   * @param before units done by the earlier steps
   * @param total units of the whole task
   * @return the listener for the step
   */
  public static ProgressListener offset(ProgressListener progress, long before, long total) {
    return new ProgressListener() {
      @Override
      public void progress(String task, long done, long ignored) {
        progress.progress(task, before + done, total);
      }

      @Override
      public boolean isCancelled() {
        return progress.isCancelled();
      }
    };
  }

  /**
   * One tile of work, given the calling worker's private state (scratch buffers).
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface Body<S> {
    /**
     * Processes tile {@code tile}.
     *
     * @param state the worker's private state
     * @param tile the tile number
     * @return units of progress it completed
     */
    long run(S state, int tile);
  }

  /**
   * One tile of work that is long on its own (a k-NN query tile sweeps the whole base): it reports
   * part of its units while it runs, so progress comes and cancellation is seen within a fraction
   * of the tile rather than at its end.
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface LongBody<S> {
    /**
     * Processes tile {@code tile}, calling {@code partial} every little while.
     *
     * @param state the worker's private state
     * @param tile the tile number
     * @param partial where to report units as they are done
     * @return units of progress it completed and did not report through {@code partial}
     */
    long run(S state, int tile, Partial partial);
  }

  /**
   * Where a {@link LongBody} reports its units as it goes.
   *
   * @since 0.1
   */
  public interface Partial {
    /**
     * Adds {@code units} to the progress and reports it.
     *
     * @param units units done since the last report
     * @throws java.util.concurrent.CancellationException when the listener asks to stop or another
     *     tile failed
     */
    void report(long units);
  }

  /**
   * Runs {@code body} for every tile in {@code [0, tiles)}, each exactly once.
   *
   * @param <S> the per-worker state
   * @param tiles number of tiles
   * @param body runs one tile
   * @param progress receives progress and may cancel
   * @param task name reported to {@code progress}
   * @param totalUnits total progress units (the sum of what the tiles return)
   * @param state creates one private state per worker thread
   */
  public static <S> void run(
      String task,
      int tiles,
      long totalUnits,
      Supplier<S> state,
      Body<S> body,
      ProgressListener progress) {
    runLong(task, tiles, totalUnits, state, (s, t, partial) -> body.run(s, t), progress);
  }

  /**
   * As {@link #run}, for tiles that report part of their units while they run.
   *
   * @param <S> the per-worker state
   * @param task name reported to {@code progress}
   * @param tiles number of tiles
   * @param totalUnits total progress units
   * @param state creates one private state per worker thread
   * @param body runs one tile
   * @param progress receives progress and may cancel
   */
  public static <S> void runLong(
      String task,
      int tiles,
      long totalUnits,
      Supplier<S> state,
      LongBody<S> body,
      ProgressListener progress) {
    if (tiles <= 0) {
      return;
    }
    Run<S> run = new Run<>(task, tiles, totalUnits, state, body, progress);
    int workers = Math.min(THREADS, tiles);
    ProgressListener.checkCancelled(progress);
    if (workers == 1) {
      run.work(true);
      run.rethrow();
      return;
    }
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      futures.add(PoolHolder.POOL.submit(() -> run.work(false)));
    }
    run.work(true);
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          run.fail(new CancellationException("cancelled: thread interrupted"));
        } catch (ExecutionException e) {
          run.fail(e.getCause());
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    run.rethrow();
  }

  private static final class Run<S> implements Partial {
    final String task;
    final int tiles;
    final long totalUnits;
    final Supplier<S> state;
    final LongBody<S> body;
    final ProgressListener progress;
    final AtomicInteger next = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean stop;
    long done;

    Run(
        String task,
        int tiles,
        long totalUnits,
        Supplier<S> state,
        LongBody<S> body,
        ProgressListener progress) {
      this.task = task;
      this.tiles = tiles;
      this.totalUnits = totalUnits;
      this.state = state;
      this.body = body;
      this.progress = progress;
    }

    void fail(Throwable t) {
      failure.compareAndSet(null, t);
      stop = true;
    }

    void work(boolean callerThread) {
      try {
        S s = null;
        while (!stop) {
          if (callerThread) {
            ProgressListener.checkCancelled(progress);
          } else if (progress.isCancelled()) {
            throw new CancellationException("cancelled");
          }
          int t = next.getAndIncrement();
          if (t >= tiles) {
            return;
          }
          if (s == null) {
            s = state.get();
          }
          add(body.run(s, t, this));
        }
      } catch (Throwable e) {
        fail(e);
      }
    }

    @Override
    public void report(long units) {
      if (stop || progress.isCancelled()) {
        throw new CancellationException("cancelled");
      }
      if (units > 0) {
        add(units);
      }
    }

    private synchronized void add(long units) {
      done += units;
      progress.progress(task, done, totalUnits);
    }

    void rethrow() {
      Throwable t = failure.get();
      if (t == null) {
        return;
      }
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      throw new IllegalStateException(t);
    }
  }
}
