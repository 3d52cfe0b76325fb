package io.github.embeddinggeometry.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PC scores and back-projection against the float64 formulas, written out here. */
class ReferenceFrameTest {
  /** A 90-degree rotation in the plane of axes 0 and 1, axis 2 kept: scores known by hand. */
  @Test
  void handCheckedRotation() {
    // Columns are PCs: PC1 = e1, PC2 = -e0, PC3 = e2.
    double[] v = {
      0, -1, 0,
      1, 0, 0,
      0, 0, 1
    };
    ReferenceFrame frame = ReferenceFrame.of(new float[] {1, 1, 1}, new double[] {3, 2, 1}, v);
    EmbeddingMatrix w =
        EmbeddingMatrix.copyOf(new float[][] {{1, 1, 1}, {3, 1, 1}, {1, 5, 0.5f}})
            .withIds(new int[] {4, 8, 9});
    EmbeddingMatrix s = frame.project(w, 3, ProgressListener.NONE);
    assertThat(s.rows()).isEqualTo(3);
    assertThat(s.dim()).isEqualTo(3);
    assertThat(s.ids()).containsExactly(4, 8, 9);
    assertThat(s.row(0)).containsExactly(0, 0, 0);
    assertThat(s.row(1)).containsExactly(0, -2, 0);
    assertThat(s.row(2)).containsExactly(4, 0, -0.5f);
    assertThat(frame.project(w, 2, ProgressListener.NONE).row(2)).containsExactly(4, 0);
    EmbeddingMatrix back = frame.reconstruct(s, ProgressListener.NONE);
    assertThat(back.ids()).containsExactly(4, 8, 9);
    for (int r = 0; r < 3; r++) {
      assertThat(back.row(r)).containsExactly(w.row(r));
    }
    // Two PCs: the third coordinate goes back to the origin's.
    assertThat(
            frame
                .reconstruct(frame.project(w, 2, ProgressListener.NONE), ProgressListener.NONE)
                .row(2))
        .containsExactly(1, 5, 1);
  }

  @Test
  void scoresMatchTheFloat64FormulaAndRoundTrip() {
    int n = 300;
    int d = 24;
    Random rnd = new Random(11);
    float[] data = new float[n * d];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (rnd.nextGaussian() * (1 + i % d) + 0.3);
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(data, n, d);
    PcaResult pca = Pca.fit(w, Backends.cpu(), ProgressListener.NONE);
    double[] mean = pca.mean();
    float[] origin = new float[d];
    for (int j = 0; j < d; j++) {
      origin[j] = (float) mean[j];
    }
    ReferenceFrame frame = pca.frame(origin);
    double[] vec = frame.eigenvectors();
    int c = 7;
    EmbeddingMatrix s = frame.project(w, c, ProgressListener.NONE);
    double[] colSum = new double[c];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < c; j++) {
        double expected = 0;
        for (int l = 0; l < d; l++) {
          expected += ((double) data[r * d + l] - origin[l]) * vec[l * d + j];
        }
        // One float32 rounding of a float64 sum: within half an ulp of the float64 value, plus
        // the sum's own float64 error.
        assertThat((double) s.get(r, j))
            .isCloseTo(expected, within(Math.ulp((float) expected) * 0.5 + 1e-12));
        colSum[j] += s.get(r, j);
      }
    }
    // Centred on (the float32 rounding of) the mean: every score column averages about zero.
    for (int j = 0; j < c; j++) {
      assertThat(colSum[j] / n).isCloseTo(0, within(1e-5));
    }
    // Full frame: reconstruct(project(w)) gives w back up to float32 rounding.
    EmbeddingMatrix back =
        frame.reconstruct(frame.project(w, d, ProgressListener.NONE), ProgressListener.NONE);
    for (int r = 0; r < n; r++) {
      for (int l = 0; l < d; l++) {
        assertThat(back.get(r, l))
            .isCloseTo(data[r * d + l], within(1e-5f * (1 + Math.abs(data[r * d + l]))));
      }
    }
    // The inverse formula directly: w_l = origin_l + sum_j s_j v_lj, in float64.
    EmbeddingMatrix partial = frame.reconstruct(s, ProgressListener.NONE);
    for (int r = 0; r < n; r += 37) {
      for (int l = 0; l < d; l++) {
        double expected = origin[l];
        for (int j = 0; j < c; j++) {
          expected += (double) s.get(r, j) * vec[l * d + j];
        }
        assertThat((double) partial.get(r, l))
            .isCloseTo(expected, within(Math.ulp((float) expected) * 0.5 + 1e-12));
      }
    }
  }

  @Test
  void rejectsWrongShapesAndNonFiniteRows() {
    ReferenceFrame frame =
        ReferenceFrame.of(3, null, new double[] {2, 1}, new double[] {1, 0, 0, 1, 0, 0});
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(new float[][] {{1, 2, 3}, {4, Float.NaN, 6}});
    assertThatThrownBy(
            () ->
                frame.project(
                    EmbeddingMatrix.copyOf(new float[][] {{1, 2}}), 1, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d = 2")
        .hasMessageContaining("d = 3");
    assertThatThrownBy(() -> frame.project(w.slice(0, 1), 3, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 2]");
    assertThatThrownBy(() -> frame.project(w, 2, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 (vocabulary id 1)");
    assertThatThrownBy(
            () ->
                frame.reconstruct(
                    EmbeddingMatrix.copyOf(new float[][] {{1, 2, 3}}), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 2]");
  }
}
