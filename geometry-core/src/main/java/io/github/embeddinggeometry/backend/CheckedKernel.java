package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Arguments;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.backend.spi.UpperBlocks;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.Objects;

/**
 * Checks every argument of a {@link DistanceKernel} call, then delegates. The implementation behind
 * it may assume: matching dimensions (and the causal tensor's), valid row ranges, an output buffer
 * that holds the block and is no input's backing array, {@code 1 <= k <= candidates}, finite rows,
 * and that it is not closed: every call after {@link #close()} fails with {@link
 * IllegalStateException}.
 */
final class CheckedKernel implements DistanceKernel, UpperBlocks, PairStatistics {
  private final DistanceKernel impl;
  private final MetricSpace metric;
  private volatile boolean closed;

  CheckedKernel(DistanceKernel impl, MetricSpace metric) {
    this.impl = Objects.requireNonNull(impl, "kernel");
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
    checkOpen();
    Objects.requireNonNull(out, "out");
    dims(a, b);
    Objects.checkFromToIndex(aFrom, aTo, a.rows());
    Objects.checkFromToIndex(bFrom, bTo, b.rows());
    if (out == a.backingArray() || out == b.backingArray()) {
      throw new IllegalArgumentException("out must not be the backing array of a or b");
    }
    int m = aTo - aFrom;
    int n = bTo - bFrom;
    if (m == 0 || n == 0) {
      return;
    }
    if (outOffset < 0
        || outStride < n
        || (long) outOffset + (long) (m - 1) * outStride + n > out.length) {
      throw new IllegalArgumentException(
          "out (length "
              + out.length
              + ", offset "
              + outOffset
              + ", stride "
              + outStride
              + ") cannot hold "
              + m
              + " x "
              + n
              + " distances");
    }
    Arguments.finiteRows(a, aFrom, aTo, "first matrix", "a distance");
    Arguments.finiteRows(b, bFrom, bTo, "second matrix", "a distance");
    impl.distances(a, aFrom, aTo, b, bFrom, bTo, out, outOffset, outStride);
  }

  @Override
  public void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    checkOpen();
    checkBlocks(a, b, blockRows, consumer, progress);
    impl.forEachBlock(a, b, blockRows, consumer, progress);
  }

  private void checkBlocks(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(progress, "progress");
    dims(a, b);
    if (blockRows < 1) {
      throw new IllegalArgumentException("blockRows must be at least 1; got " + blockRows);
    }
    if ((long) Math.min(blockRows, a.rows()) * b.rows() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a block of "
              + blockRows
              + " x "
              + b.rows()
              + " distances does not fit one array; use fewer block rows");
    }
    Arguments.finiteRows(a, 0, a.rows(), "first matrix", "a distance");
    if (b != a) {
      Arguments.finiteRows(b, 0, b.rows(), "second matrix", "a distance");
    }
  }

  @Override
  public boolean hasUpperBlocks() {
    return UpperBlocks.of(impl) != null;
  }

  /** Checked as {@link #forEachBlock} with {@code x} twice; the whole stream when impl has none. */
  @Override
  public void forEachBlockAbove(
      EmbeddingMatrix x, int blockRows, Blocks consumer, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(consumer, "consumer");
    checkBlocks(x, x, blockRows, consumer::accept, progress);
    UpperBlocks upper = UpperBlocks.of(impl);
    if (upper == null) {
      impl.forEachBlock(x, x, blockRows, consumer::accept, progress);
    } else {
      upper.forEachBlockAbove(x, blockRows, consumer, progress);
    }
  }

  /** Checked as {@link #forEachBlockAbove}; the rows' blocks as tiles when impl has no stream. */
  @Override
  public void forEachTileAbove(EmbeddingMatrix x, Tiles consumer, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(consumer, "consumer");
    int n = x.rows();
    checkBlocks(x, x, 1, (from, to, block, stride) -> {}, progress);
    UpperBlocks upper = UpperBlocks.of(impl);
    if (upper == null) {
      impl.forEachBlock(
          x,
          x,
          64,
          (from, to, block, stride) -> consumer.accept(from, to, 0, n, block, stride),
          progress);
    } else {
      upper.forEachTileAbove(x, consumer, progress);
    }
  }

  @Override
  public Neighbours nearest(EmbeddingMatrix x, int k, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(progress, "progress");
    dims(x, x);
    Arguments.k(k, x.rows() - 1, x.rows(), true);
    Arguments.finiteRows(x, 0, x.rows(), "rows", "a distance");
    return impl.nearest(x, k, progress);
  }

  @Override
  public Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(progress, "progress");
    dims(queries, base);
    boolean anySelf = queries == base;
    for (int i = 0; i < queries.rows() && !anySelf; i++) {
      anySelf = base.rowOf(queries.id(i)) >= 0;
    }
    Arguments.k(k, base.rows() - (anySelf ? 1 : 0), base.rows(), anySelf);
    Arguments.finiteRows(queries, 0, queries.rows(), "queries", "a distance");
    if (base != queries) {
      Arguments.finiteRows(base, 0, base.rows(), "base", "a distance");
    }
    return impl.nearest(queries, base, k, progress);
  }

  @Override
  public boolean hasPairStatistics() {
    return PairStatistics.of(impl) != null;
  }

  /** Checked as {@link #nearest(EmbeddingMatrix, int, ProgressListener)}, at least 2 rows. */
  @Override
  public Statistics pairStatistics(EmbeddingMatrix x, ProgressListener progress) {
    checkOpen();
    Objects.requireNonNull(progress, "progress");
    dims(x, x);
    if (x.rows() < 2) {
      throw new IllegalArgumentException(
          "distance statistics need at least 2 rows; got " + x.rows());
    }
    Arguments.finiteRows(x, 0, x.rows(), "rows", "a distance");
    PairStatistics own = PairStatistics.of(impl);
    if (own == null) {
      throw new UnsupportedOperationException(impl + " computes no pair statistics of its own");
    }
    return own.pairStatistics(x, progress);
  }

  private void dims(EmbeddingMatrix a, EmbeddingMatrix b) {
    Checks.sameDim(a, b);
    if (metric instanceof MetricSpace.Causal c && c.metric().dim() != a.dim()) {
      throw new IllegalArgumentException(
          "rows have d = "
              + a.dim()
              + " but the causal metric tensor is "
              + c.metric().dim()
              + " x "
              + c.metric().dim());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("distance kernel (" + metric + ") is closed");
    }
  }

  /** Closes the implementation once; every later call fails. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    impl.close();
  }

  @Override
  public String toString() {
    return impl.toString();
  }
}
