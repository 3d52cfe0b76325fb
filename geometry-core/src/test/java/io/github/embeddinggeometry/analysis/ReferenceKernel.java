package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Test oracle: distances computed directly in float64 from the definitions of spec section 4
 * (Euclidean, cosine, causal via the explicit M), rounded to float32 at the end; brute-force
 * neighbours with ties by lower index and self excluded by id. Blocks are delivered in parallel and
 * out of order, to exercise the analyses' thread safety.
 */
public final class ReferenceKernel implements DistanceKernel {
  private final MetricSpace metric;

  public ReferenceKernel(MetricSpace metric) {
    this.metric = metric;
  }

  public static double distance(MetricSpace metric, float[] a, float[] b) {
    if (metric instanceof MetricSpace.Cosine) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int i = 0; i < a.length; i++) {
        dot += (double) a[i] * b[i];
        na += (double) a[i] * a[i];
        nb += (double) b[i] * b[i];
      }
      if (na == 0 || nb == 0) {
        return 1;
      }
      if (Arrays.equals(a, b)) {
        return 0;
      }
      double sim = Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
      return 1 - sim;
    }
    double[] diff = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      diff[i] = (double) a[i] - b[i];
    }
    if (metric instanceof MetricSpace.Causal c) {
      double[] m = c.metric().tensor();
      int d = a.length;
      double s = 0;
      for (int i = 0; i < d; i++) {
        double t = 0;
        for (int j = 0; j < d; j++) {
          t += m[i * d + j] * diff[j];
        }
        s += diff[i] * t;
      }
      return Math.sqrt(Math.max(0, s));
    }
    double s = 0;
    for (double x : diff) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @Override
  public MetricSpace metric() {
    return metric;
  }

  @Override
  public void distances(
      EmbeddingMatrix a,
      int aFrom,
      int aTo,
      EmbeddingMatrix b,
      int bFrom,
      int bTo,
      float[] out,
      int outOffset,
      int outStride) {
    for (int i = aFrom; i < aTo; i++) {
      float[] ra = a.row(i);
      for (int j = bFrom; j < bTo; j++) {
        out[outOffset + (i - aFrom) * outStride + (j - bFrom)] =
            (float) distance(metric, ra, b.row(j));
      }
    }
  }

  @Override
  public void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    int blocks = (a.rows() + blockRows - 1) / blockRows;
    // Reverse order and parallel: blocks may arrive in any order, concurrently.
    IntStream.range(0, blocks)
        .map(x -> blocks - 1 - x)
        .parallel()
        .forEach(
            blk -> {
              int from = blk * blockRows;
              int to = Math.min(a.rows(), from + blockRows);
              int stride = b.rows() + 3;
              float[] block = new float[(to - from) * stride];
              Arrays.fill(block, Float.NaN);
              distances(a, from, to, b, 0, b.rows(), block, 0, stride);
              consumer.accept(from, to, block, stride);
            });
  }

  @Override
  public Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
    int n = queries.rows();
    int[] idx = new int[n * k];
    float[] dist = new float[n * k];
    for (int q = 0; q < n; q++) {
      float[] rq = queries.row(q);
      int self = queries.id(q);
      Integer[] cand =
          IntStream.range(0, base.rows()).filter(j -> base.id(j) != self).boxed()
              .toArray(Integer[]::new);
      if (cand.length < k) {
        throw new IllegalArgumentException("fewer than k candidates");
      }
      float[] dj = new float[base.rows()];
      for (int j : cand) {
        dj[j] = (float) distance(metric, rq, base.row(j));
      }
      Arrays.sort(cand, (x, y) -> dj[x] != dj[y] ? Float.compare(dj[x], dj[y]) : x - y);
      for (int r = 0; r < k; r++) {
        idx[q * k + r] = cand[r];
        dist[q * k + r] = dj[cand[r]];
      }
    }
    return new Neighbours(queries, base, metric, k, idx, dist);
  }
}
