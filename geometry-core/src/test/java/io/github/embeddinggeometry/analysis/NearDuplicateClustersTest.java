package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import io.github.embeddinggeometry.testing.ReferenceKernel;
import io.github.embeddinggeometry.testing.TestBackends;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NearDuplicateClustersTest {
  static Stream<ComputeBackend> backends() {
    return TestBackends.all();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void plantedIdenticalRowsFormOneComponentWithThatCentroid(ComputeBackend backend) {
    Random rnd = new Random(21);
    int n = 400;
    int d = 10;
    float[][] rows = new float[n][d];
    for (float[] r : rows) {
      for (int i = 0; i < d; i++) {
        r[i] = (float) rnd.nextGaussian();
      }
    }
    float[] planted = {0.1f, -0.3f, 0.77f, 1e-3f, 5f, -2f, 0.3333f, 0, 0, 1};
    int[] members = {3, 17, 18, 99, 250, 251, 252, 399};
    for (int m : members) {
      rows[m] = planted.clone();
    }
    // Shifted ids: results must name vocabulary ids.
    EmbeddingMatrix w =
        EmbeddingMatrix.copyOf(rows)
            .withIds(IntStream.range(0, n).map(i -> 1000 + 2 * i).toArray());
    NearDuplicateClusters c =
        NearDuplicateClusters.find(
            w, 0, backend.distanceKernel(MetricSpace.euclidean()), ProgressListener.NONE);
    assertThat(c.largestSize()).isEqualTo(members.length);
    assertThat(c.largestIds())
        .containsExactly(Arrays.stream(members).map(i -> 1000 + 2 * i).toArray());
    assertThat(c.largestCentroid()).containsExactly(planted);
    assertThat(c.componentCount()).isEqualTo(n - members.length + 1);
    assertThat(c.singletonCount()).isEqualTo(n - members.length);
    assertThat(c.sizes()[0]).isEqualTo(members.length);
    assertThat(c.sizes()[1]).isEqualTo(1);
    int[] labels = c.labels();
    for (int m : members) {
      assertThat(labels[m]).isEqualTo(3);
    }
    assertThat(c.components(2)).hasSize(1);
    // Void: min distance from the planted row to any other row, minus 0 (inner NN distance).
    double min = Double.POSITIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      if (Arrays.binarySearch(members, j) < 0) {
        min = Math.min(min, Float64Oracle.distance(MetricSpace.euclidean(), planted, rows[j]));
      }
    }
    assertThat(c.voidWidth(ProgressListener.NONE)).isCloseTo(min, within(1e-5 * min));
  }

  @Test
  void epsJoinsChainsAndTiesGoToTheLowestComponent() {
    // 1-D points: {0, 1, 2} chain at eps 1; {10, 11.5}; {20, 21, 22} chain; {30}.
    float[] xs = {0, 1, 2, 10, 11.5f, 20, 21, 22, 30};
    float[][] rows = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      rows[i] = new float[] {xs[i], 0};
    }
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    NearDuplicateClusters c =
        NearDuplicateClusters.find(
            w, 1.0, new ReferenceKernel(MetricSpace.euclidean()), ProgressListener.NONE);
    assertThat(c.sizes()).containsExactly(3, 3, 1, 1, 1);
    assertThat(c.largestIds()).containsExactly(0, 1, 2); // tie: lowest id wins
    List<int[]> comps = c.components(1);
    assertThat(comps.get(1)).containsExactly(5, 6, 7);
    assertThat(comps.get(2)).containsExactly(3);
    assertThat(c.singletonCount()).isEqualTo(3);
    // Void: nearest outside point to {0,1,2} is 10 (from 2): 8; inner NN spacing 1.
    assertThat(c.voidWidth(ProgressListener.NONE)).isCloseTo(7.0, within(1e-6));
    assertThat(c.largestCentroid()).containsExactly(1f, 0f);
    assertThat(
            NearDuplicateClusters.find(
                    w, 1.5, new ReferenceKernel(MetricSpace.euclidean()), ProgressListener.NONE)
                .sizes())
        .containsExactly(3, 3, 2, 1);
  }

  @Test
  void centroidIsFloat64MeanRoundedOnce() {
    EmbeddingMatrix w =
        EmbeddingMatrix.copyOf(new float[][] {{1f, 1e8f}, {2f, 1f}, {4f, -1e8f}, {100f, 100f}});
    float[] c = NearDuplicateClusters.centroid(w, new int[] {2, 0, 1, 1});
    assertThat(c).containsExactly((float) (7.0 / 3), (float) (1.0 / 3));
  }
}
