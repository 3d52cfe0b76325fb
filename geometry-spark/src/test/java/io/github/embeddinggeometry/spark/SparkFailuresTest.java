package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Failures that are not the input's and not a bug: a cancelled job ends as a cancellation (the
 * command line's exit 130), a lost cluster as an I/O failure (exit 2), each with Spark's first
 * line.
 */
class SparkFailuresTest {
  @Test
  void aCancelledJobIsACancellation() throws Exception {
    JavaSparkContext sc = TestSpark.sc();
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              sc.setJobGroup("cancel-me", "a job to cancel", true);
              try {
                Jobs.run(
                    () ->
                        sc.parallelize(List.of(1, 2, 3, 4), 2)
                            .map(
                                x -> {
                                  Thread.sleep(60_000);
                                  return x;
                                })
                            .count());
                thrown.complete(null);
              } catch (Throwable e) {
                thrown.complete(e);
              }
            });
    t.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (sc.statusTracker().getJobIdsForGroup("cancel-me").length == 0
        && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    sc.cancelJobGroup("cancel-me");
    assertThat(thrown.get(60, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class)
        .hasMessageStartingWith("the Spark job was cancelled: ")
        .hasMessageContaining("cancelled part of cancelled job group cancel-me")
        .hasMessageNotContaining("\n");
    t.join();
  }

  @Test
  void aLostClusterIsAnEnvironmentFailureWithSparksFirstLine() {
    String message =
        "Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times, most recent"
            + " failure: Lost task 0.3 in stage 3.0 (TID 9) (127.0.0.1 executor 2):"
            + " ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason:"
            + " Remote RPC client disassociated.\nDriver stacktrace:\n\tat somewhere";
    Exception e = Jobs.clean(new SparkException(message));
    assertThat(e)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("the Spark cluster failed: Job aborted due to stage failure")
        .hasMessageNotContaining("\n");
    // A task's own failure stays what it was (a bug in the task is not the cluster's).
    Exception bug =
        Jobs.clean(
            new SparkException(
                "Job aborted due to stage failure: Lost task 0.0 in stage 1.0 (TID 1) (127.0.0.1"
                    + " executor driver): java.lang.NullPointerException: boom"));
    assertThat(bug).isInstanceOf(SparkException.class);
  }
}
