package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Float64 direct computations from the definitions (docs/definitions.md): the reference every
 * backend is compared with. Nothing here shares code with the library's kernels: distances are
 * summed term by term in double, the causal distance uses the explicit tensor M (not its Cholesky
 * factor), neighbours come from sorting all candidates.
 */
public final class Float64Oracle {
  private Float64Oracle() {}

  /** The distance of two rows in {@code metric}, in double. */
  public static double distance(MetricSpace metric, float[] a, float[] b) {
    int d = a.length;
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
    if (metric instanceof MetricSpace.Causal c) {
      return causalDistance(c.metric().tensor(), a, b);
    }
    double s = 0;
    for (int k = 0; k < d; k++) {
      double t = (double) a[k] - b[k];
      s += t * t;
    }
    return Math.sqrt(s);
  }

  /** {@code sqrt((a-b)^T M (a-b))} for a row-major d x d tensor M, in double. */
  public static double causalDistance(double[] m, float[] a, float[] b) {
    int d = a.length;
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

  /** The full {@code a.rows() x b.rows()} distance matrix, row-major, in double. */
  public static double[] matrix(MetricSpace metric, EmbeddingMatrix a, EmbeddingMatrix b) {
    if (metric instanceof MetricSpace.Causal c) {
      return causalMatrix(c.metric().tensor(), a, b);
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
   * Causal distances {@code sqrt((a-b)^T M (a-b))} via {@code a^T M a - 2 a^T M b + b^T M b}, each
   * quadratic form once per row (cancellation in float64 costs nothing at the distances tests use);
   * bitwise-equal rows are 0 by the definition.
   */
  private static double[] causalMatrix(double[] m, EmbeddingMatrix a, EmbeddingMatrix b) {
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
        out[i * b.rows() + j] =
            Arrays.equals(ai, bj) ? 0 : Math.sqrt(Math.max(0, qa[i] - 2 * dot(ma[i], bj) + qb[j]));
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

  /**
   * The reference neighbour order of query row {@code q}: base rows sorted by (distance, index),
   * the base row with the query's vocabulary id excluded.
   *
   * @param row distances of the query to every base row
   */
  public static int[] order(double[] row, EmbeddingMatrix queries, int q, EmbeddingMatrix base) {
    int self = base.rowOf(queries.id(q));
    return IntStream.range(0, base.rows())
        .filter(j -> j != self)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(j -> row[j]).thenComparingInt(j -> j))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Column means, in double. */
  public static double[] mean(EmbeddingMatrix w) {
    double[] m = new double[w.dim()];
    for (int r = 0; r < w.rows(); r++) {
      for (int j = 0; j < w.dim(); j++) {
        m[j] += w.get(r, j);
      }
    }
    for (int j = 0; j < m.length; j++) {
      m[j] /= w.rows();
    }
    return m;
  }

  /** The biased covariance {@code (1/N) sum (w - mean)(w - mean)^T}, in double. */
  public static double[] covariance(EmbeddingMatrix w, double[] mean) {
    int d = w.dim();
    double[] c = new double[d * d];
    double[] v = new double[d];
    for (int r = 0; r < w.rows(); r++) {
      for (int j = 0; j < d; j++) {
        v[j] = w.get(r, j) - mean[j];
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i * d + j] += v[i] * v[j];
        }
      }
    }
    for (int i = 0; i < c.length; i++) {
      c[i] /= w.rows();
    }
    return c;
  }

  /** Tolerance of the exactness contract: 1e-5 absolute or 1e-4 relative. */
  public static boolean close(double want, double got) {
    double err = Math.abs(want - got);
    return err <= 1e-5 || err <= 1e-4 * Math.abs(want);
  }

  /** Two float64 distances that float32 arithmetic cannot be expected to order. */
  public static boolean nearTie(double a, double b) {
    double err = Math.abs(a - b);
    return err <= 2e-5 || err <= 2e-4 * Math.max(a, b);
  }

  /** Gaussian rows, float32, row-major. */
  public static float[] gaussian(Random rnd, int n, int d) {
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  /** Rounds to bfloat16 (round to nearest even), widened back: values a bf16 checkpoint holds. */
  public static float bf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(rounded & 0xFFFF0000);
  }

  /** A random SPD tensor {@code A^T A / d + 0.5 I}. */
  public static CausalMetric randomMetric(Random rnd, int d) {
    return CausalMetric.of(spd(rnd, d, 0.5), d);
  }

  /** A random symmetric positive-definite d x d matrix {@code A^T A / d + ridge I}, row-major. */
  public static double[] spd(Random rnd, int d, double ridge) {
    double[] a = new double[d * d];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
    }
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += a[k * d + i] * a[k * d + j];
        }
        m[i * d + j] = s / d + (i == j ? ridge : 0);
      }
    }
    return m;
  }

  /** Euclidean, cosine and a random causal metric of dimension d. */
  public static List<MetricSpace> metrics(Random rnd, int d) {
    return List.of(
        MetricSpace.euclidean(), MetricSpace.cosine(), MetricSpace.causal(randomMetric(rnd, d)));
  }
}
