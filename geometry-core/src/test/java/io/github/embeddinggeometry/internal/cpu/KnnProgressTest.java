package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.spi.Parallel;
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
 * few tiles; cancellation is seen at the next task. A query tile against a base reports while it
 * sweeps the base. Counted, not timed.
 */
class KnnProgressTest {
  private static final int N = 3000;

  /** Records every k-NN report as {done, total}. */
  private static ProgressListener recorder(List<long[]> calls) {
    return (task, done, total) -> {
      if (task.equals("k-NN")) {
        synchronized (calls) {
          calls.add(new long[] {done, total});
        }
      }
    };
  }

  /** Counts k-NN reports and asks to stop at the first. */
  private static ProgressListener cancelOnFirstReport(AtomicInteger calls) {
    AtomicBoolean cancel = new AtomicBoolean();
    return new ProgressListener() {
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
  }

  private static EmbeddingMatrix queries() {
    Random rnd = new Random(12);
    float[] x = new float[64 * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return EmbeddingMatrix.wrap(x, 64, 8);
  }

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
    ProgressListener p = recorder(calls);
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
    AtomicInteger calls = new AtomicInteger();
    ProgressListener p = cancelOnFirstReport(calls);
    try (DistanceKernel k = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      assertThatThrownBy(() -> k.nearest(rows(), 5, p)).isInstanceOf(CancellationException.class);
    }
    // The first task's report cancels; every other thread finishes at most its current task.
    assertThat(calls.get()).isBetween(1, Parallel.threads());
  }

  @Test
  void queriesAgainstABaseReportRowsWhileEachTileSweepsTheBase() {
    // 64 queries make at most a few query tiles, each sweeping all 3,000 base rows (12 base
    // blocks of at most 256): progress must come from inside the tiles, in rows.
    EmbeddingMatrix base = rows();
    EmbeddingMatrix queries = queries();
    List<long[]> calls = new ArrayList<>();
    ProgressListener p = recorder(calls);
    try (DistanceKernel k = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      k.nearest(queries, base, 5, p);
    }
    long previous = 0;
    for (long[] c : calls) {
      assertThat(c[1]).as("total: query rows").isEqualTo(64);
      assertThat(c[0]).as("done never decreases").isGreaterThanOrEqualTo(previous);
      previous = c[0];
    }
    assertThat(previous).as("all query rows done").isEqualTo(64);
    int tiles = 2 * Parallel.threads(); // the fewest query tiles the engine makes, each <= 64 rows
    assertThat(calls.size()).as("reports from inside the tiles").isGreaterThan(tiles);
  }

  @Test
  void queriesAgainstABaseSeeCancellationInsideATile() {
    EmbeddingMatrix base = rows();
    EmbeddingMatrix queries = queries();
    AtomicInteger calls = new AtomicInteger();
    ProgressListener p = cancelOnFirstReport(calls);
    try (DistanceKernel k = Backends.cpu().distanceKernel(MetricSpace.euclidean())) {
      assertThatThrownBy(() -> k.nearest(queries, base, 5, p))
          .isInstanceOf(CancellationException.class);
    }
    // The first report cancels; every thread stops at its next base block.
    assertThat(calls.get()).isBetween(1, Parallel.threads());
  }
}
