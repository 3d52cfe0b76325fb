package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.PairPasses;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import io.github.embeddinggeometry.testing.ReferenceBackend;
import io.github.embeddinggeometry.testing.ReferenceKernel;
import io.github.embeddinggeometry.testing.TestBackends;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DistanceStatisticsTest {
  static Stream<ComputeBackend> backends() {
    return TestBackends.all();
  }

  static float[][] rowsWithDuplicates(int n, int d, long seed) {
    Random rnd = new Random(seed);
    float[][] rows = new float[n][d];
    for (float[] r : rows) {
      for (int i = 0; i < d; i++) {
        r[i] = (float) rnd.nextGaussian();
      }
    }
    // A class of 4 copies (6 zero pairs) and one pair (1 zero pair).
    for (int i = 1; i < 4; i++) {
      rows[10 + i] = rows[10].clone();
    }
    rows[n - 1] = rows[0].clone();
    return rows;
  }

  /** All upper-triangle distances in float64, rounded to float32 as a kernel returns them. */
  static float[] allPairs(float[][] rows) {
    int n = rows.length;
    float[] out = new float[n * (n - 1) / 2];
    int m = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        out[m++] = (float) Float64Oracle.distance(MetricSpace.euclidean(), rows[i], rows[j]);
      }
    }
    return out;
  }

  static void checkAgainstSortedPairs(DistanceStatistics s, float[] pairs) {
    float[] sorted = pairs.clone();
    Arrays.sort(sorted);
    int c = sorted.length;
    double median = c % 2 == 1 ? sorted[c / 2] : ((double) sorted[c / 2 - 1] + sorted[c / 2]) / 2;
    double mean = 0;
    long zeros = 0;
    for (float v : pairs) {
      mean += v;
      zeros += v == 0 ? 1 : 0;
    }
    mean /= c;
    assertThat(s.count()).isEqualTo(c);
    assertThat(s.median()).isEqualTo(median);
    assertThat(s.min()).isEqualTo(sorted[0]);
    assertThat(s.max()).isEqualTo(sorted[c - 1]);
    assertThat(s.mean()).isCloseTo(mean, within(1e-12 * mean));
    assertThat(s.exactZeroPairs()).isEqualTo(zeros);
  }

  @Test
  void exactMedianOnBothPathsOddAndEvenCounts() {
    for (int n : new int[] {2, 3, 5, 150, 151}) {
      // Below 16 rows, a prefix of a larger cloud: no planted duplicates.
      float[][] rows =
          n < 16 ? Arrays.copyOf(rowsWithDuplicates(16, 7, n), n) : rowsWithDuplicates(n, 7, n);
      EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
      float[] pairs = allPairs(rows);
      DistanceKernel k = new ReferenceKernel(MetricSpace.euclidean());
      // the path the sample picks (a kept band), a band of bucket 0 only (the median outside it:
      // a second pass), windows: from the sample, none (a second pass), and one holding only the
      // lower middle value (the upper one outside: a second pass too)
      float[] sorted = pairs.clone();
      Arrays.sort(sorted);
      float lower = sorted[(sorted.length - 1) / 2];
      int[][][] paths = {
        {null, null},
        {{0, 1}, null},
        {null, PairPasses.window(sortedSample(pairs), PairPasses.MAX_BINS)},
        {null, {0, 0}},
        {null, PairPasses.window(lower, lower, Float.NaN, 1)}
      };
      for (int[][] path : paths) {
        checkAgainstSortedPairs(
            DistanceStatistics.of(w, k, ProgressListener.NONE, path[0], path[1]), pairs);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void bandedStreamOverManyRowsMatchesAllPairs(ComputeBackend backend) {
    // n >= 2048 takes the banded stream, and above 4,096 rows the median comes from the band a
    // 1,024-row sample places: 8.8 M pairs.
    float[][] rows = rowsWithDuplicates(4200, 3, 99);
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    float[] pairs = allPairs(rows);
    AtomicLong last = new AtomicLong();
    DistanceStatistics s =
        DistanceStatistics.of(
            w,
            backend.distanceKernel(MetricSpace.euclidean()),
            (task, done, total) -> {
              assertThat(done).isGreaterThanOrEqualTo(last.get());
              last.set(done);
            });
    assertThat(last.get()).isEqualTo(pairs.length);
    if (backend instanceof ReferenceBackend) {
      checkAgainstSortedPairs(s, pairs);
    } else {
      // Another kernel may round differently within the exactness contract (1e-5 abs / 1e-4 rel).
      float[] sorted = pairs.clone();
      Arrays.sort(sorted);
      double median = ((double) sorted[pairs.length / 2 - 1] + sorted[pairs.length / 2]) / 2;
      assertThat(s.median()).isCloseTo(median, within(1e-4 * median));
      assertThat(s.exactZeroPairs()).isEqualTo(7);
      assertThat(s.min()).isEqualTo(0);
    }
  }

  @Test
  void aSampledBandGivesTheMedianWithoutASecondPass() {
    float[][] rows = rowsWithDuplicates(4200, 3, 7);
    float[] pairs = allPairs(rows);
    io.github.embeddinggeometry.testing.CountingKernel k =
        new io.github.embeddinggeometry.testing.CountingKernel(
            new ReferenceKernel(MetricSpace.euclidean()));
    checkAgainstSortedPairs(
        DistanceStatistics.of(EmbeddingMatrix.copyOf(rows), k, ProgressListener.NONE), pairs);
    // one pass over the pairs (in bands: a little more than the triangle) and the 1,050-row
    // sample; a second pass would add the pass again
    long triangle = (long) pairs.length;
    assertThat(k.computed.get()).isBetween(triangle, triangle * 14 / 10);
  }

  @Test
  void rejectsFewerThanTwoRows() {
    assertThatThrownBy(
            () ->
                DistanceStatistics.of(
                    EmbeddingMatrix.copyOf(new float[][] {{1, 2}}),
                    new ReferenceKernel(MetricSpace.euclidean()),
                    ProgressListener.NONE))
        .hasMessageContaining("at least 2 rows");
  }

  @Test
  void distancesBeyondFloat32GiveAnUnknownMeanNeverAWrongFiniteOne() {
    // Entries of +-1e38 in d = 8: half the distances (float64: up to 5.7e38) are beyond float32's
    // 3.4e38. Rows: all +1e38, all -1e38, four +1e38 then four -1e38, zero.
    float[] x = new float[32];
    for (int c = 0; c < 8; c++) {
      x[c] = 1e38f;
      x[8 + c] = -1e38f;
      x[16 + c] = c < 4 ? 1e38f : -1e38f;
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, 4, 8);
    for (int[] window : new int[][] {null, {0, 0}}) {
      DistanceStatistics s =
          DistanceStatistics.of(
              w,
              io.github.embeddinggeometry.backend.Backends.cpu()
                  .distanceKernel(io.github.embeddinggeometry.metric.MetricSpace.euclidean()),
              io.github.embeddinggeometry.ProgressListener.NONE,
              null,
              window);
      // float64: d(0,1) = sqrt(32) e38, d(0,2) = d(1,2) = 4e38 overflow float32; the three
      // distances to the zero row are sqrt(8) e38 = 2.83e38.
      assertThat(s.count()).isEqualTo(6);
      assertThat(s.max()).isInfinite();
      assertThat(s.mean()).isNaN();
      assertThat(s.min())
          .isCloseTo(Math.sqrt(8) * 1e38, org.assertj.core.api.Assertions.within(1e33));
    }
  }

  /** Every pair as its own sample: the window then holds the median. */
  private static float[] sortedSample(float[] pairs) {
    float[] s = pairs.clone();
    Arrays.sort(s);
    return s;
  }
}
