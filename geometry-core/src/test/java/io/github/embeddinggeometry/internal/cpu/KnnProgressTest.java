package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.internal.Parallel;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * k-NN progress counts the documented unit (rows, not tiles: 127/8256 was reported) and comes every
 * few tiles; cancellation is seen at the next task. Counted, not timed.
 */
class KnnProgressTest {
  private static final int N = 3000;

  private static EmbeddingMatrix rows() {
    Random rnd = new Random(11);
    float[] x = new float[N * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return EmbeddingMatrix.wrap(x, N, 8);
  }

  @Test
  void selfKnnReportsRowsEveryFewTiles() {
    List<long[]> calls = new ArrayList<>();
    ProgressListener p =
        (task, done, total) -> {
          if (task.equals("k-NN")) {
            synchronized (calls) {
              calls.add(new long[] {done, total});
            }
          }
        };
    try (DistanceKernel k = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      k.nearest(rows(), 5, p);
    }
    long previous = 0;
    for (long[] c : calls) {
      assertThat(c[1]).as("total").isEqualTo(N);
      assertThat(c[0]).as("done never decreases").isGreaterThanOrEqualTo(previous);
      previous = c[0];
    }
    assertThat(previous).as("all rows done").isEqualTo(N);
    // Row blocks hold at most 256 rows, so at least 12 blocks and 78 tiles (I, J >= I); a task
    // holds at most 4 of them (one task per block row reported 12 times).
    int blocks = (N + 255) / 256;
    int tiles = blocks * (blocks + 1) / 2;
    assertThat(calls.size()).isGreaterThanOrEqualTo((tiles + 3) / 4);
  }

  @Test
  void cancellationIsSeenAtTheNextTask() {
    AtomicBoolean cancel = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    ProgressListener p =
        new ProgressListener() {
          @Override
          public void progress(String task, long done, long total) {
            if (task.equals("k-NN")) {
              calls.incrementAndGet();
              cancel.set(true);
            }
          }

          @Override
          public boolean isCancelled() {
            return cancel.get();
          }
        };
    try (DistanceKernel k = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      assertThatThrownBy(() -> k.nearest(rows(), 5, p)).isInstanceOf(CancellationException.class);
    }
    // The first task's report cancels; every other thread finishes at most its current task.
    assertThat(calls.get()).isBetween(1, Parallel.threads());
  }
}
