package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts what a Spark application ran, for a test that starts the command line as a process ({@code
 * -Dspark.extraListeners=...TaskCounter -Dembgeo.test.tasks=FILE}): when the context stops it
 * writes {@code tasks STAGES MAX_STAGE_TASKS} (tasks ended, stages submitted, the most tasks of one
 * stage) into FILE. Work measured in tasks, not seconds, does not depend on the machine.
 */
public final class TaskCounter extends SparkListener {
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong stages = new AtomicLong();
  private final AtomicLong maxStageTasks = new AtomicLong();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    tasks.incrementAndGet();
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    stages.incrementAndGet();
    maxStageTasks.accumulateAndGet(e.stageInfo().numTasks(), Math::max);
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd e) {
    try {
      Files.writeString(
          Path.of(System.getProperty("embgeo.test.tasks")),
          tasks.get() + " " + stages.get() + " " + maxStageTasks.get());
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }
}
