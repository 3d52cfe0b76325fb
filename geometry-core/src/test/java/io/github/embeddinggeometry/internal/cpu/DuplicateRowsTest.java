package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Planted bitwise-duplicate rows (bf16-rounded values, as in a bf16 checkpoint): exact zeros in
 * every metric, and k-NN correct when a row has more than k duplicates: the neighbours are exactly
 * the lowest-index duplicates other than the row itself, at distance 0.
 */
class DuplicateRowsTest {
  private static final int N = 700;
  private static final int D = 203;
  private static final int K = 6;
  /** Class A: 15 copies (more than k); class B: 3 copies (fewer than k). */
  private static final int[] CLASS_A = {3, 10, 11, 64, 65, 66, 200, 263, 264, 265, 300, 301, 500,
    650, 699};
  private static final int[] CLASS_B = {5, 330, 331};

  private static EmbeddingMatrix planted() {
    Random rnd = new Random(42);
    float[] x = new float[N * D];
    for (int i = 0; i < x.length; i++) {
      // an offset makes all rows nearly parallel, so many pairs go through refinement
      x[i] = Oracle.bf16((float) (0.3 + 0.05 * rnd.nextGaussian()));
    }
    for (int[] cls : new int[][] {CLASS_A, CLASS_B}) {
      for (int r : cls) {
        System.arraycopy(x, cls[0] * D, x, r * D, D);
      }
    }
    return EmbeddingMatrix.wrap(x, N, D);
  }

  @Test
  void exactZerosAndLowestIndexDuplicatesFirst() {
    EmbeddingMatrix x = planted();
    Random rnd = new Random(7);
    for (TileKernel kern : Fixtures.kernels()) {
      for (MetricSpace metric : Fixtures.metrics(rnd, D)) {
        String ctx = kern.description() + " " + metric;
        DistanceKernel dk = new CpuBackend(kern).distanceKernel(metric);
        float[] all = dk.distances(x, x);
        for (int[] cls : new int[][] {CLASS_A, CLASS_B}) {
          for (int a : cls) {
            for (int b : cls) {
              assertThat(all[a * N + b]).as(ctx + " d(%d, %d)", a, b).isEqualTo(0f);
            }
            // bitwise-equal rows get bitwise-equal distances to every other row
            for (int j = 0; j < N; j++) {
              assertThat(Float.floatToRawIntBits(all[a * N + j]))
                  .as(ctx + " row %d vs %d at %d", a, cls[0], j)
                  .isEqualTo(Float.floatToRawIntBits(all[cls[0] * N + j]));
            }
          }
        }
        for (int i = 0; i < N; i++) {
          assertThat(all[i * N + i]).as(ctx + " d(%d, %d)", i, i).isEqualTo(0f);
        }
        Neighbours nb = dk.nearest(x, K, ProgressListener.NONE);
        for (int a : CLASS_A) {
          List<Integer> want = new ArrayList<>();
          for (int b : CLASS_A) {
            if (b != a && want.size() < K) {
              want.add(b);
            }
          }
          List<Integer> got = new ArrayList<>();
          for (int r = 0; r < K; r++) {
            got.add(nb.index(a, r));
            assertThat(nb.distance(a, r)).as(ctx + " row %d rank %d", a, r).isEqualTo(0f);
            if (metric instanceof MetricSpace.Cosine) {
              assertThat(nb.similarity(a, r)).isEqualTo(1f);
            }
          }
          assertThat(got).as(ctx + " neighbours of %d", a).isEqualTo(want);
        }
        for (int a : CLASS_B) {
          TreeSet<Integer> others = new TreeSet<>();
          for (int b : CLASS_B) {
            if (b != a) {
              others.add(b);
            }
          }
          assertThat(List.of(nb.index(a, 0), nb.index(a, 1))).as(ctx).isEqualTo(
              new ArrayList<>(others));
          assertThat(nb.distance(a, 1)).isEqualTo(0f);
          assertThat(nb.distance(a, 2)).isGreaterThan(0f);
        }
      }
    }
  }

  @Test
  void queriesFromAViewExcludeThemselvesByIdOnly() {
    EmbeddingMatrix x = planted();
    EmbeddingMatrix queries = x.select(new int[] {10, 65, 331, 400});
    for (TileKernel kern : Fixtures.kernels()) {
      DistanceKernel dk = new CpuBackend(kern).distanceKernel(MetricSpace.euclidean());
      Neighbours nb = dk.nearest(queries, x, 3, ProgressListener.NONE);
      // id 10 is class A: its duplicates 3, 11, 64 (lowest indices, itself excluded)
      assertThat(new int[] {nb.id(0, 0), nb.id(0, 1), nb.id(0, 2)}).containsExactly(3, 11, 64);
      assertThat(new int[] {nb.id(1, 0), nb.id(1, 1), nb.id(1, 2)}).containsExactly(3, 10, 11);
      assertThat(new int[] {nb.id(2, 0), nb.id(2, 1)}).containsExactly(5, 330);
      assertThat(nb.id(3, 0)).isNotEqualTo(400);
      assertThat(nb.distance(3, 0)).isGreaterThan(0f);
    }
  }
}
