package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.testing.Float64Oracle;
import io.github.embeddinggeometry.testing.TestBackends;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DensestPointTest {
  static Stream<ComputeBackend> backends() {
    return TestBackends.all();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void densestRowAndItsNeighboursInBothMetrics(ComputeBackend backend) {
    Random rnd = new Random(4);
    int n = 300;
    int d = 8;
    float[][] rows = new float[n][d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        rows[r][i] = (float) (rnd.nextGaussian() * (r < 40 ? 0.05 : 1) + (r < 40 ? 3 : 0));
      }
    }
    int[] ids = IntStream.range(0, n).map(i -> 5 + 7 * i).toArray();
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows).withIds(ids);
    DensityField f =
        KnnDensity.of(10, backend.distanceKernel(MetricSpace.euclidean()))
            .estimate(w, ProgressListener.NONE);
    int topN = 15;
    DensestPoint p =
        DensestPoint.of(
            w,
            f,
            backend.distanceKernel(MetricSpace.euclidean()),
            backend.distanceKernel(MetricSpace.cosine()),
            topN,
            ProgressListener.NONE);
    int row = f.densestRow();
    assertThat(row).isLessThan(40);
    assertThat(p.row()).isEqualTo(row);
    assertThat(p.id()).isEqualTo(ids[row]);
    // Independent brute force: other rows sorted by distance / similarity, ties by lower row.
    Integer[] byDist = IntStream.range(0, n).filter(j -> j != row).boxed().toArray(Integer[]::new);
    Integer[] bySim = byDist.clone();
    Arrays.sort(
        byDist,
        (a, b) ->
            Double.compare(
                Float64Oracle.distance(MetricSpace.euclidean(), rows[row], rows[a]),
                Float64Oracle.distance(MetricSpace.euclidean(), rows[row], rows[b])));
    Arrays.sort(
        bySim,
        (a, b) ->
            Double.compare(
                Float64Oracle.distance(MetricSpace.cosine(), rows[row], rows[a]),
                Float64Oracle.distance(MetricSpace.cosine(), rows[row], rows[b])));
    Set<Integer> metricSet = new HashSet<>();
    Set<Integer> cosineSet = new HashSet<>();
    for (int r = 0; r < topN; r++) {
      assertThat(p.metricIds()[r]).isEqualTo(ids[byDist[r]]);
      assertThat(p.cosineIds()[r]).isEqualTo(ids[bySim[r]]);
      double sim = 1 - Float64Oracle.distance(MetricSpace.cosine(), rows[row], rows[bySim[r]]);
      assertThat((double) p.cosineSimilarities()[r]).isCloseTo(sim, within(1e-5));
      metricSet.add(ids[byDist[r]]);
      cosineSet.add(ids[bySim[r]]);
    }
    metricSet.retainAll(cosineSet);
    assertThat(p.overlap()).isEqualTo(metricSet.size());
    assertThat(p.overlapShare()).isEqualTo((double) metricSet.size() / topN);
    assertThat(p.density()).isEqualTo(f.density(row));
  }

  @Test
  void assembledFromListsWithSimilaritiesAndOverlap() {
    int[] metricIds = {5, 3, 9};
    float[] metricDist = {0.5f, 1f, 2f};
    int[] cosineIds = {9, 4, 5};
    float[] cosineDist = {0.25f, 0.5f, 1.5f};
    DensestPoint p =
        DensestPoint.of(
            7,
            12,
            4.0,
            0.25,
            MetricSpace.euclidean(),
            metricIds,
            metricDist,
            cosineIds,
            cosineDist);
    assertThat(p.row()).isEqualTo(7);
    assertThat(p.id()).isEqualTo(12);
    assertThat(p.density()).isEqualTo(4.0);
    assertThat(p.meanDistance()).isEqualTo(0.25);
    assertThat(p.metric()).isSameAs(MetricSpace.euclidean());
    assertThat(p.metricIds()).containsExactly(5, 3, 9);
    assertThat(p.metricDistances()).containsExactly(0.5f, 1f, 2f);
    assertThat(p.cosineIds()).containsExactly(9, 4, 5);
    // similarity = 1 - distance: 0.75, 0.5, -0.5; ids 5 and 9 are in both lists
    assertThat(p.cosineSimilarities()).containsExactly(0.75f, 0.5f, -0.5f);
    assertThat(p.overlap()).isEqualTo(2);
    assertThat(p.overlapShare()).isEqualTo(2.0 / 3);
    assertThat(p.topN()).isEqualTo(3);
    metricIds[0] = 100;
    assertThat(p.metricIds()[0]).as("the lists are copied").isEqualTo(5);
    assertThatThrownBy(
            () ->
                DensestPoint.of(
                    0,
                    0,
                    1,
                    1,
                    MetricSpace.euclidean(),
                    metricIds,
                    metricDist,
                    cosineIds,
                    new float[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 cosine distances");
  }

  @Test
  void overlapCountsSharedIds() {
    assertThat(DensestPoint.overlap(new int[] {1, 5, 9}, new int[] {9, 2, 1})).isEqualTo(2);
  }
}
