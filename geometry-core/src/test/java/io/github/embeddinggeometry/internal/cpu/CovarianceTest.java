package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.testing.Float64Oracle;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The covariance's fixed summation order: every micro-tile shape gives the same bits (the group
 * order itself is {@link CanonicalSumsTest}'s).
 */
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
  void everyMicroTileShapeGivesTheSameBitsAndMatchesFloat64() {
    List<TileKernel> shapes = Kernels.vectorKernels();
    EmbeddingMatrix w = matrix(CanonicalSums.GROUP_ROWS + 517, 70, 2);
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

  /**
   * Outlier rows (1e4 times the others) in several chunks and windows of two groups, and a chunk
   * where many rows are outliers: they are summed in double, so every tile shape gives the same
   * bits, and they and the scalar kernel (no FMA, so other bits) are within 1e-6 of the largest
   * entry of a float64 computation (the float32 chunk sums alone lose more: each small row rounds
   * against the outlier's square).
   */
  @Test
  void heavyRowsAreSummedInDouble() {
    int n = CanonicalSums.GROUP_ROWS + 1500;
    int d = 23;
    float[] x = Float64Oracle.gaussian(new Random(5), n, d);
    int[] heavy = {3, 700, 1025, 2047, 4095, 4096, 4097, 5000};
    for (int r : heavy) {
      for (int c = 0; c < d; c++) {
        x[r * d + c] *= 1e4f;
      }
    }
    for (int r = 5120; r < 5130; r++) { // 10 of the 256 rows of one chunk, each heavy
      for (int c = 0; c < d; c++) {
        x[r * d + c] *= 3e3f;
      }
    }
    EmbeddingMatrix w = EmbeddingMatrix.wrap(x, n, d);
    double[] mu = mean(w);
    double[] want = Float64Oracle.covariance(w, mu);
    double max = 0;
    for (double v : want) {
      max = Math.max(max, Math.abs(v));
    }
    List<TileKernel> shapes = new java.util.ArrayList<>(Kernels.vectorKernels());
    shapes.add(Kernels.scalar());
    double[] first = null;
    for (TileKernel k : shapes) {
      double[] c = Covariance.compute(k, w, mu, ProgressListener.NONE);
      for (int i = 0; i < c.length; i++) {
        assertThat(Math.abs(c[i] - want[i]))
            .as("%s entry %d", k.description(), i)
            .isLessThanOrEqualTo(1e-6 * max);
        if (first != null && k != Kernels.scalar()) {
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
  void scalingBackGivesTheBitsOfMathScalb() {
    // Math.scalb's own results are the oracle, across normal, subnormal, overflowing and
    // underflowing results and the exponents where a multiplier would no longer be a normal double
    Random rnd = new Random(5);
    double[] values = new double[64];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(120) - 60) * (i % 3 == 0 ? -1 : 1);
    }
    values[0] = 0.0;
    values[1] = Double.MIN_VALUE;
    values[2] = Double.MAX_VALUE;
    values[3] = Double.MIN_NORMAL * 1.5;
    int[] exps = {
      0, 1, -1, 40, -40, -1000, -1022, -1023, -1030, -1074, -1100, -2148, 1000, 1023, 1024, 1100,
      2200
    };
    for (int exp : exps) {
      double[] a = values.clone();
      Covariance.scaleBack(a, 2, a.length - 1, exp);
      for (int i = 0; i < a.length; i++) {
        double want = i >= 2 && i < a.length - 1 ? Math.scalb(values[i], exp) : values[i];
        assertThat(Double.doubleToRawLongBits(a[i]))
            .as("exponent %d, value %s", exp, values[i])
            .isEqualTo(Double.doubleToRawLongBits(want));
      }
    }
  }
}
