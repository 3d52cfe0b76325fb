package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.internal.kernel.TileKernel;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The covariance's fixed summation order: groups, chunks, shapes. */
class CovarianceTest {
  private static EmbeddingMatrix matrix(int n, int d, long seed) {
    float[] x = Float64Oracle.gaussian(new Random(seed), n, d);
    for (int i = 0; i < x.length; i++) {
      x[i] = x[i] * 0.05f + 0.3f; // a mean far from zero, as in embeddings
    }
    return EmbeddingMatrix.wrap(x, n, d);
  }

  private static double[] mean(EmbeddingMatrix w) {
    double[] mu = new double[w.dim()];
    for (int r = 0; r < w.rows(); r++) {
      float[] row = w.row(r);
      for (int c = 0; c < w.dim(); c++) {
        mu[c] += row[c];
      }
    }
    for (int c = 0; c < w.dim(); c++) {
      mu[c] /= w.rows();
    }
    return mu;
  }

  @Test
  void groupPartialsAddedInOrderGiveTheSameBits() {
    // A job that computes each group's partial on its own (Spark) and adds them in group order
    // gets exactly what compute gets: the per-group method is the whole contract.
    int n = 2 * Covariance.GROUP_ROWS + 300;
    EmbeddingMatrix w = matrix(n, 45, 1);
    double[] mu = mean(w);
    for (TileKernel k : kernels()) {
      double[] whole = Covariance.compute(k, w, mu, ProgressListener.NONE);
      int e = Covariance.exponent(w, mu);
      Covariance.Sums total = new Covariance.Sums(k, w.dim());
      for (int g0 = 0; g0 < n; g0 += Covariance.GROUP_ROWS) {
        int g1 = Math.min(n, g0 + Covariance.GROUP_ROWS);
        // each group on a "different machine": its own fresh accumulator, rows as a view
        Covariance.Sums one = new Covariance.Sums(k, w.dim());
        Covariance.addGroup(
            k, w.slice(g0, g1), 0, g1 - g0, mu, e, one, new Covariance.Sums(k, w.dim()));
        total.add(one);
      }
      double[] parts = total.matrix(n, e);
      for (int i = 0; i < whole.length; i++) {
        assertThat(Double.doubleToRawLongBits(parts[i]))
            .as("%s entry %d", k.description(), i)
            .isEqualTo(Double.doubleToRawLongBits(whole[i]));
      }
    }
  }

  @Test
  void everyMicroTileShapeGivesTheSameBitsAndMatchesFloat64() {
    List<TileKernel> shapes = Kernels.vectorKernels();
    EmbeddingMatrix w = matrix(Covariance.GROUP_ROWS + 517, 70, 2);
    double[] mu = mean(w);
    double[] want = Float64Oracle.covariance(w, mu);
    double[] first = null;
    for (TileKernel k : shapes) {
      double[] c = Covariance.compute(k, w, mu, ProgressListener.NONE);
      for (int i = 0; i < c.length; i++) {
        assertThat(c[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-5 * 0.0025));
        if (first != null) {
          assertThat(Double.doubleToRawLongBits(c[i]))
              .as("%s entry %d", k.description(), i)
              .isEqualTo(Double.doubleToRawLongBits(first[i]));
        }
      }
      if (first == null) {
        first = c;
      }
    }
  }

  @Test
  void aGroupIsAtMostGroupRows() {
    TileKernel k = Kernels.scalar();
    EmbeddingMatrix w = matrix(Covariance.GROUP_ROWS + 1, 3, 3);
    Covariance.Sums s = new Covariance.Sums(k, 3);
    assertThatThrownBy(
            () -> Covariance.addGroup(k, w, 0, w.rows(), mean(w), 0, s, new Covariance.Sums(k, 3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.add(new Covariance.Sums(k, 4)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<TileKernel> kernels() {
    List<TileKernel> out = new ArrayList<>(Kernels.vectorKernels());
    out.add(Kernels.scalar());
    return out;
  }
}
