package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import io.github.embeddinggeometry.spi.Backends;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad arguments are rejected with messages that say what is wrong. */
class ValidationTest {
  private final DistanceKernel euclid = Backends.cpu().distanceKernel(MetricSpace.euclidean());

  private static EmbeddingMatrix random(int n, int d) {
    return EmbeddingMatrix.wrap(Oracle.gaussian(new Random(n * 31L + d), n, d), n, d);
  }

  @Test
  void kMustLeaveACandidateOut() {
    EmbeddingMatrix one = random(1, 8);
    assertThatThrownBy(() -> euclid.nearest(one, 1, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = 1").hasMessageContaining("0 candidates");
    EmbeddingMatrix two = random(2, 8);
    assertThatThrownBy(() -> euclid.nearest(two, 1, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = 1 is too large").hasMessageContaining("1 candidate ");
    EmbeddingMatrix ten = random(10, 8);
    assertThatThrownBy(() -> euclid.nearest(ten, 9, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = 9").hasMessageContaining("9 candidates")
        .hasMessageContaining("itself excluded");
    assertThatThrownBy(() -> euclid.nearest(ten, 0, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    Neighbours ok = euclid.nearest(ten, 8, ProgressListener.NONE);
    assertThat(ok.k()).isEqualTo(8);
    // queries that are not in the base: all base rows are candidates
    EmbeddingMatrix other = random(3, 8).withIds(new int[] {100, 101, 102});
    assertThat(euclid.nearest(other, ten, 9, ProgressListener.NONE).k()).isEqualTo(9);
    assertThatThrownBy(() -> euclid.nearest(other, ten, 10, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 candidates");
  }

  @Test
  void nonFiniteRowsAreNamed() {
    float[] x = Oracle.gaussian(new Random(1), 20, 5);
    x[7 * 5 + 2] = Float.NaN;
    EmbeddingMatrix m = EmbeddingMatrix.wrap(x, 20, 5);
    for (MetricSpace metric : new MetricSpace[] {MetricSpace.euclidean(), MetricSpace.cosine()}) {
      DistanceKernel dk = Backends.cpu().distanceKernel(metric);
      assertThatThrownBy(() -> dk.nearest(m, 3, ProgressListener.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 7 (vocabulary id 7)").hasMessageContaining("NaN");
      assertThatThrownBy(() -> dk.distances(m, m))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 7");
    }
    EmbeddingMatrix view = m.select(new int[] {1, 7, 9});
    assertThatThrownBy(() -> euclid.distances(view, view))
        .hasMessageContaining("row 1 (vocabulary id 7)");
    x[7 * 5 + 2] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> Backends.cpu().covariance(m, new double[5], ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 7");
  }

  @Test
  void shapesAndBuffersAreChecked() {
    EmbeddingMatrix a = random(4, 3);
    EmbeddingMatrix b = random(4, 5);
    assertThatThrownBy(() -> euclid.distances(a, b))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 vs 5");
    assertThatThrownBy(() -> euclid.distances(a, 0, 4, a, 0, 4, new float[15], 0, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold 4 x 4");
    assertThatThrownBy(() -> euclid.distances(a, 0, 2, a, 0, 4, a.backingArray(), 0, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backing array");
    assertThatThrownBy(() -> euclid.forEachBlock(a, a, 0, (f, t, bl, s) -> { },
        ProgressListener.NONE)).hasMessageContaining("blockRows");
    assertThatThrownBy(() -> Backends.cpu().covariance(a, new double[2], ProgressListener.NONE))
        .hasMessageContaining("mean has 2 values");
  }

  @Test
  void cosineOfZeroRowsIsOneAndClampedElsewhere() {
    float[] x = {0, 0, 0, 1, 2, 3, -1, -2, -3, 2, 4, 6};
    EmbeddingMatrix m = EmbeddingMatrix.wrap(x, 4, 3);
    float[] d = Backends.cpu().distanceKernel(MetricSpace.cosine()).distances(m, m);
    assertThat(new float[] {d[0], d[1], d[2], d[3], d[4], d[8]})
        .containsExactly(1f, 1f, 1f, 1f, 1f, 1f);
    assertThat(d[1 * 4 + 2]).isEqualTo(2f); // opposite: similarity clamped to exactly -1
    assertThat(d[1 * 4 + 3]).isBetween(0f, 1e-7f); // parallel, not bitwise equal
    assertThat(d[1 * 4 + 1]).isEqualTo(0f);
  }
}
