package io.github.embeddinggeometry.backend.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Tiles run once each, progress never goes back, failures and cancellation reach the caller. */
class ParallelTest {

  @Test
  void everyTileOnceAndProgressMonotone() {
    int tiles = 1000;
    AtomicIntegerArray seen = new AtomicIntegerArray(tiles);
    AtomicLong last = new AtomicLong(-1);
    Parallel.run(
        "t",
        tiles,
        2L * tiles,
        () -> new int[1],
        (s, t) -> {
          seen.incrementAndGet(t);
          return 2;
        },
        (task, done, total) -> {
          assertThat(task).isEqualTo("t");
          assertThat(total).isEqualTo(2L * tiles);
          assertThat(done).isGreaterThan(last.getAndSet(done));
        });
    for (int t = 0; t < tiles; t++) {
      assertThat(seen.get(t)).isEqualTo(1);
    }
    assertThat(last.get()).isEqualTo(2L * tiles);
  }

  @Test
  void firstFailureIsRethrown() {
    AtomicInteger ran = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Parallel.run(
                    "t",
                    10_000,
                    10_000,
                    () -> null,
                    (s, t) -> {
                      ran.incrementAndGet();
                      if (t == 17) {
                        throw new IllegalStateException("tile 17 broke");
                      }
                      if (t > 17) {
                        // Slow tiles: on a loaded machine the other worker could otherwise take
                        // every remaining
                        // tile between tile 17 being taken and its failure being recorded.
                        sleepQuietly();
                      }
                      return 1;
                    },
                    ProgressListener.NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("tile 17 broke");
    assertThat(ran.get()).isLessThan(10_000);
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void cancellationStopsAKnnRun() {
    int n = 3000;
    int d = 64;
    EmbeddingMatrix x = EmbeddingMatrix.wrap(Float64Oracle.gaussian(new Random(1), n, d), n, d);
    AtomicBoolean cancel = new AtomicBoolean();
    AtomicLong maxDone = new AtomicLong();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void progress(String task, long done, long total) {
            maxDone.accumulateAndGet(done, Math::max);
            if (done > 0) {
              cancel.set(true);
            }
          }

          @Override
          public boolean isCancelled() {
            return cancel.get();
          }
        };
    assertThatThrownBy(
            () -> Backends.cpu().distanceKernel(MetricSpace.euclidean()).nearest(x, 5, listener))
        .isInstanceOf(CancellationException.class);
    assertThat(maxDone.get()).isLessThan(n);
  }

  @Test
  void interruptedCallerIsCancelled() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () -> Parallel.run("t", 10, 10, () -> null, (s, t) -> 1, ProgressListener.NONE))
          .isInstanceOf(CancellationException.class);
    } finally {
      Thread.interrupted();
    }
  }
}
