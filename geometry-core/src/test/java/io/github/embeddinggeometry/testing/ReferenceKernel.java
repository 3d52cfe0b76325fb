package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The float64 oracle as a {@link DistanceKernel}: {@link Float64Oracle#distance} rounded to
 * float32, brute-force neighbours with ties by lower index and self excluded by id. Blocks are
 * delivered in parallel and in reverse order, to exercise the callers' thread safety.
 */
public final class ReferenceKernel implements DistanceKernel {
  private final MetricSpace metric;

  public ReferenceKernel(MetricSpace metric) {
    this.metric = metric;
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
            (float) Float64Oracle.distance(metric, ra, b.row(j));
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
          IntStream.range(0, base.rows())
              .filter(j -> base.id(j) != self)
              .boxed()
              .toArray(Integer[]::new);
      if (cand.length < k) {
        throw new IllegalArgumentException("fewer than k candidates");
      }
      float[] dj = new float[base.rows()];
      for (int j : cand) {
        dj[j] = (float) Float64Oracle.distance(metric, rq, base.row(j));
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
