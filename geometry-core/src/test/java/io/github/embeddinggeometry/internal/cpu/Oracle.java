package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/** Float64 direct computations: the reference every kernel is compared with. */
final class Oracle {
  private Oracle() {}

  static double distance(MetricSpace metric, float[] a, float[] b) {
    int d = a.length;
    if (metric instanceof MetricSpace.Euclidean) {
      double s = 0;
      for (int k = 0; k < d; k++) {
        double t = (double) a[k] - b[k];
        s += t * t;
      }
      return Math.sqrt(s);
    }
    if (metric instanceof MetricSpace.Cosine) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int k = 0; k < d; k++) {
        dot += (double) a[k] * b[k];
        na += (double) a[k] * a[k];
        nb += (double) b[k] * b[k];
      }
      if (na == 0 || nb == 0) {
        return 1;
      }
      if (Arrays.equals(a, b)) {
        return 0;
      }
      double sim = dot / Math.sqrt(na * nb);
      return 1 - Math.max(-1, Math.min(1, sim));
    }
    double[] m = ((MetricSpace.Causal) metric).metric().tensor();
    double s = 0;
    for (int i = 0; i < d; i++) {
      double t = 0;
      for (int j = 0; j < d; j++) {
        t += m[i * d + j] * ((double) a[j] - b[j]);
      }
      s += ((double) a[i] - b[i]) * t;
    }
    return Math.sqrt(Math.max(0, s));
  }

  static double[] matrix(MetricSpace metric, EmbeddingMatrix a, EmbeddingMatrix b) {
    if (metric instanceof MetricSpace.Causal) {
      return causalMatrix(((MetricSpace.Causal) metric).metric().tensor(), a, b);
    }
    double[] out = new double[a.rows() * b.rows()];
    for (int i = 0; i < a.rows(); i++) {
      float[] ai = a.row(i);
      for (int j = 0; j < b.rows(); j++) {
        out[i * b.rows() + j] = distance(metric, ai, b.row(j));
      }
    }
    return out;
  }

  /**
   * Causal distances {@code sqrt((a-b)^T M (a-b))} in float64 via {@code a^T M a - 2 a^T M b +
   * b^T M b} (cancellation in float64 costs nothing at the distances these tests use).
   */
  private static double[] causalMatrix(double[] m, EmbeddingMatrix a, EmbeddingMatrix b) {
    int d = a.dim();
    double[][] ma = new double[a.rows()][];
    double[] qa = new double[a.rows()];
    for (int i = 0; i < a.rows(); i++) {
      ma[i] = times(m, a.row(i));
      qa[i] = dot(ma[i], a.row(i));
    }
    double[] qb = new double[b.rows()];
    for (int j = 0; j < b.rows(); j++) {
      qb[j] = dot(times(m, b.row(j)), b.row(j));
    }
    double[] out = new double[a.rows() * b.rows()];
    for (int i = 0; i < a.rows(); i++) {
      float[] ai = a.row(i);
      for (int j = 0; j < b.rows(); j++) {
        float[] bj = b.row(j);
        out[i * b.rows() + j] = Arrays.equals(ai, bj) ? 0
            : Math.sqrt(Math.max(0, qa[i] - 2 * dot(ma[i], bj) + qb[j]));
      }
    }
    return out;
  }

  private static double[] times(double[] m, float[] v) {
    int d = v.length;
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += m[i * d + j] * v[j];
      }
      out[i] = s;
    }
    return out;
  }

  private static double dot(double[] x, float[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  /** Reference k-NN: base rows sorted by (float64 distance, index), self (same id) excluded. */
  static int[] order(double[] row, EmbeddingMatrix queries, int q, EmbeddingMatrix base) {
    int self = base.rowOf(queries.id(q));
    return java.util.stream.IntStream.range(0, base.rows())
        .filter(j -> j != self)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(j -> row[j]).thenComparingInt(j -> j))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Gaussian rows, float32. */
  static float[] gaussian(Random rnd, int n, int d) {
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  /** Rounds to bfloat16 (keeps the top 16 bits, round to nearest even), widened back. */
  static float bf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(rounded & 0xFFFF0000);
  }

  /** Tolerance of the exactness contract: 1e-5 absolute or 1e-4 relative. */
  static boolean close(double want, double got) {
    double err = Math.abs(want - got);
    return err <= 1e-5 || err <= 1e-4 * Math.abs(want);
  }
}
