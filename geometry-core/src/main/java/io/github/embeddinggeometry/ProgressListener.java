package io.github.embeddinggeometry;

import java.util.concurrent.CancellationException;

/**
 * Receives progress of long operations and may cancel them. The library prints nothing; an
 * application turns these calls into a progress bar.
 *
 * <p>Calls may come from worker threads, concurrently: implementations must be thread-safe. {@code
 * done} never decreases within one task.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything and never cancels. */
  ProgressListener NONE = (task, done, total) -> {};

  /**
   * Reports progress of one task.
   *
   * @param task short human-readable name of the step, e.g. "k-NN"
   * @param done units finished so far, never decreasing within a task
   * @param total units in all (rows, pairs, ...)
   */
  void progress(String task, long done, long total);

  /**
   * Polled between units of work; once true, the operation throws {@link CancellationException}.
   *
   * @return true to cancel
   */
  default boolean isCancelled() {
    return false;
  }

  /**
   * Throws {@link CancellationException} if {@code listener} asks to cancel or the current thread
   * is interrupted. Long loops call this between units of work.
   *
   * @param listener the listener to poll
   * @throws CancellationException if the operation is to stop
   */
  static void checkCancelled(ProgressListener listener) {
    if (listener.isCancelled() || Thread.currentThread().isInterrupted()) {
      throw new CancellationException("cancelled");
    }
  }
}
