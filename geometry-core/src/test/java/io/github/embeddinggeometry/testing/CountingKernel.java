package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.PairStatistics;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes every call on to another kernel, counting the calls that stream distances ({@code
 * distances}, {@code forEachBlock}) and those of its own pair statistics, which it offers when told
 * to and the kernel behind it has them: so that a test can tell how an analysis got its numbers.
 */
public final class CountingKernel implements DistanceKernel, PairStatistics {
  private final DistanceKernel inner;
  private final boolean offerStatistics;

  /** Calls of {@code distances} and {@code forEachBlock}. */
  public final AtomicInteger streamed = new AtomicInteger();

  /** Calls of {@link #pairStatistics}. */
  public final AtomicInteger statistics = new AtomicInteger();

  /** Distances computed by the calls passed on, whatever method computed them. */
  public final AtomicLong computed = new AtomicLong();

  /**
   * A kernel counting the calls and distances of {@code inner}, offering no pair statistics.
   *
   * @param inner the kernel that does the work
   */
  public CountingKernel(DistanceKernel inner) {
    this(inner, false);
  }

  /**
   * @param inner the kernel that does the work
   * @param offerStatistics whether to offer {@code inner}'s own pair statistics (if it has them)
   */
  public CountingKernel(DistanceKernel inner, boolean offerStatistics) {
    this.inner = inner;
    this.offerStatistics = offerStatistics;
  }

  @Override
  public MetricSpace metric() {
    return inner.metric();
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
    streamed.incrementAndGet();
    computed.addAndGet((long) (aTo - aFrom) * (bTo - bFrom));
    inner.distances(a, aFrom, aTo, b, bFrom, bTo, out, outOffset, outStride);
  }

  @Override
  public void forEachBlock(
      EmbeddingMatrix a,
      EmbeddingMatrix b,
      int blockRows,
      DistanceBlockConsumer consumer,
      ProgressListener progress) {
    streamed.incrementAndGet();
    computed.addAndGet((long) a.rows() * b.rows());
    inner.forEachBlock(a, b, blockRows, consumer, progress);
  }

  @Override
  public Neighbours nearest(
      EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
    computed.addAndGet((long) queries.rows() * base.rows());
    return inner.nearest(queries, base, k, progress);
  }

  @Override
  public boolean hasPairStatistics() {
    return offerStatistics && PairStatistics.of(inner) != null;
  }

  @Override
  public Statistics pairStatistics(EmbeddingMatrix x, ProgressListener progress) {
    statistics.incrementAndGet();
    return PairStatistics.of(inner).pairStatistics(x, progress);
  }
}
