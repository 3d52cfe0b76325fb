package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The start-up check every backend other than the CPU passes before it serves: a small generated
 * problem (bf16-like rows with bitwise duplicates beyond k, near-duplicates that need refinement, a
 * zero row) computed on the candidate and on the CPU backend, compared under the exactness
 * contract: exact zeros in the same places and values within 1e-5 absolute or 1e-4 relative for
 * Euclidean and cosine distances, the same k-nearest-neighbour sets up to ties at the k-th
 * distance, and the mean, the covariance and the causal row map within 1e-6 of their largest entry.
 * It costs well under a second on the CPU. A backend that disagrees, or throws, is not used: a GPU
 * backend whose kernels were never run on this device cannot serve silently wrong numbers.
 */
final class AgreementCheck {
  private static final int N = 384;
  private static final int D = 72;
  private static final int K = 12;

  private AgreementCheck() {}

  /**
   * Compares {@code candidate} with {@code reference}.
   *
   * @return null when they agree, else the first disagreement, in one line
   */
  static String disagreement(ComputeBackend candidate, ComputeBackend reference) {
    EmbeddingMatrix w = problem();
    try {
      for (MetricSpace metric : new MetricSpace[] {MetricSpace.euclidean(), MetricSpace.cosine()}) {
        try (DistanceKernel got = candidate.distanceKernel(metric);
            DistanceKernel want = reference.distanceKernel(metric)) {
          String block = compareBlocks(got.distances(w, w), want.distances(w, w), metric);
          if (block != null) {
            return block;
          }
          String knn =
              compareNeighbours(
                  got.nearest(w, K, ProgressListener.NONE),
                  want.nearest(w, K, ProgressListener.NONE),
                  metric);
          if (knn != null) {
            return knn;
          }
        }
      }
      Covariance got = candidate.covariance(w, ProgressListener.NONE);
      Covariance want = reference.covariance(w, ProgressListener.NONE);
      String mean = compare("mean entry", got.mean(), want.mean(), 1);
      if (mean != null) {
        return mean;
      }
      String cov = compare("covariance entry", got.matrix(), want.matrix(), D);
      if (cov != null) {
        return cov;
      }
      // The causal map of the rows by M = (C + ridge I)^-1, with a ridge of about 1e-3 of C's
      // largest entry (the duplicated rows leave C close to singular otherwise).
      CausalMetric m =
          CausalMetric.inverseOf(want, 1e-3 * maxAbs(want.matrix()), ProgressListener.NONE);
      return compare(
          "causal map entry",
          widened(candidate.mapRows(w, m, ProgressListener.NONE)),
          widened(reference.mapRows(w, m, ProgressListener.NONE)),
          D);
    } catch (RuntimeException | LinkageError e) {
      return "it failed on the check problem: " + e;
    }
  }

  /** Rows 1..K+3 copy row 0 (more duplicates than k), rows 40/41 nearly equal, the last is zero. */
  static EmbeddingMatrix problem() {
    SplittableRandom rnd = new SplittableRandom(0x5EED_A61EL);
    float[] x = new float[N * D];
    for (int i = 0; i < x.length; i++) {
      // bf16-representable values with a shared offset: many pairs need the exact refinement
      float v = (float) (0.1 + 0.05 * (rnd.nextDouble() * 2 - 1));
      x[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF0000);
    }
    for (int r = 1; r <= K + 3; r++) {
      System.arraycopy(x, 0, x, r * D, D);
    }
    for (int c = 0; c < D; c++) {
      x[41 * D + c] = Math.nextUp(x[40 * D + c]);
      x[(N - 1) * D + c] = 0f;
    }
    return EmbeddingMatrix.wrap(x, N, D);
  }

  private static boolean close(float got, float want) {
    double err = Math.abs((double) got - want);
    return got >= 0 && (err <= 1e-5 || err <= 1e-4 * Math.abs(want));
  }

  private static String compareBlocks(float[] got, float[] want, MetricSpace metric) {
    for (int i = 0; i < want.length; i++) {
      if ((got[i] == 0f) != (want[i] == 0f) || !close(got[i], want[i])) {
        return metric
            + " distance ("
            + i / N
            + ", "
            + i % N
            + ") is "
            + got[i]
            + " where the CPU backend computes "
            + want[i];
      }
    }
    return null;
  }

  private static String compareNeighbours(Neighbours got, Neighbours want, MetricSpace metric) {
    for (int q = 0; q < N; q++) {
      float kth = want.distance(q, K - 1);
      Set<Integer> g = new HashSet<>();
      Set<Integer> w = new HashSet<>();
      for (int r = 0; r < K; r++) {
        if (!close(got.distance(q, r), want.distance(q, r))) {
          return metric
              + " k-NN distance of row "
              + q
              + " rank "
              + r
              + " is "
              + got.distance(q, r)
              + " where the CPU backend has "
              + want.distance(q, r);
        }
        if (got.index(q, r) == q) {
          return metric + " k-NN of row " + q + " includes the row itself";
        }
        if (want.distance(q, r) == 0f && got.index(q, r) != want.index(q, r)) {
          return metric
              + " k-NN of row "
              + q
              + " rank "
              + r
              + " is duplicate "
              + got.index(q, r)
              + " where ties go to the lower row, "
              + want.index(q, r);
        }
        // Members strictly inside the k-th distance must agree; ties at it may differ.
        if (want.distance(q, r) < kth && !close(want.distance(q, r), kth)) {
          w.add(want.index(q, r));
        }
        if (got.distance(q, r) < kth && !close(got.distance(q, r), kth)) {
          g.add(got.index(q, r));
        }
      }
      if (!g.equals(w)) {
        return metric + " k-NN of row " + q + " is " + g + " where the CPU backend has " + w;
      }
    }
    return null;
  }

  private static double maxAbs(double[] a) {
    double max = 0;
    for (double v : a) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static double[] widened(EmbeddingMatrix m) {
    double[] out = new double[m.rows() * m.dim()];
    for (int r = 0; r < m.rows(); r++) {
      for (int c = 0; c < m.dim(); c++) {
        out[r * m.dim() + c] = m.get(r, c);
      }
    }
    return out;
  }

  /** Entries within 1e-6 of the largest |entry| of {@code want}, named (row, column) of a width. */
  private static String compare(String what, double[] got, double[] want, int width) {
    double scale = maxAbs(want);
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-6 * scale)) {
        return what
            + " ("
            + i / width
            + ", "
            + i % width
            + ") is "
            + got[i]
            + " where the CPU backend computes "
            + want[i];
      }
    }
    return null;
  }
}
