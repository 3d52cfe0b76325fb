package io.github.embeddinggeometry.metric;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Objects;

/**
 * The k nearest neighbours of each query row, nearest first (ties: lower base row first).
 *
 * <p>{@link #index} gives a row position in the base matrix, {@link #id} its vocabulary id. For
 * cosine, {@link #distance} is the cosine distance {@code 1 - similarity}; {@link #similarity}
 * converts back.
 *
 * <p>Immutable (the arrays are kept, never written) and safe to share between threads.
 *
 * @since 0.1
 */
public final class Neighbours {
  private final EmbeddingMatrix queries;
  private final EmbeddingMatrix base;
  private final MetricSpace metric;
  private final int k;
  private final int[] indices;
  private final float[] distances;

  /** The distances are {@code distances} times {@code 2^exponent}. */
  private final int exponent;

  /**
   * Wraps k-NN lists computed by a kernel. For backends; callers get instances from {@link
   * DistanceKernel#nearest}.
   *
   * @param queries the query rows
   * @param base the rows the neighbours were drawn from
   * @param metric the metric of the distances
   * @param k neighbours per query row
   * @param indices base row positions, {@code queries.rows() * k}, row-major. Not copied: the
   *     caller must not modify it afterwards.
   * @param distances matching distances, ascending within each row. Not copied: the caller must not
   *     modify it afterwards.
   * @throws IllegalArgumentException if the arrays do not hold {@code queries.rows() * k} entries
   */
  public Neighbours(
      EmbeddingMatrix queries,
      EmbeddingMatrix base,
      MetricSpace metric,
      int k,
      int[] indices,
      float[] distances) {
    this(queries, base, metric, k, indices, distances, 0);
  }

  /**
   * Wraps k-NN lists whose distances are given times {@code 2^-distanceExponent}, for metrics whose
   * distances float32 cannot hold (a causal metric far from unit scale, e.g. {@code M = 1e-100 I}):
   * {@link #meanDistance} is then exact in double, and {@link #distance} rounds to float32. For
   * backends.
   *
   * @param queries the query rows
   * @param base the rows the neighbours were drawn from
   * @param metric the metric of the distances
   * @param k neighbours per query row
   * @param indices base row positions, {@code queries.rows() * k}, row-major. Not copied: the
   *     caller must not modify it afterwards.
   * @param distances matching distances times {@code 2^-distanceExponent}, ascending within each
   *     row. Not copied: the caller must not modify it afterwards.
   * @param distanceExponent the power of two that takes {@code distances} to the metric's units
   * @throws IllegalArgumentException if the arrays do not hold {@code queries.rows() * k} entries
   * @since 0.1
   */
  public Neighbours(
      EmbeddingMatrix queries,
      EmbeddingMatrix base,
      MetricSpace metric,
      int k,
      int[] indices,
      float[] distances,
      int distanceExponent) {
    this.queries = Objects.requireNonNull(queries, "queries");
    this.base = Objects.requireNonNull(base, "base");
    this.metric = Objects.requireNonNull(metric, "metric");
    long n = (long) queries.rows() * k;
    if (indices.length != n || distances.length != n) {
      throw new IllegalArgumentException(
          "need " + n + " entries for " + queries.rows() + " rows x k = " + k);
    }
    this.k = k;
    this.indices = indices;
    this.distances = distances;
    this.exponent = distanceExponent;
  }

  /**
   * Neighbours per row.
   *
   * @return k
   */
  public int k() {
    return k;
  }

  /**
   * Number of query rows.
   *
   * @return the rows of {@link #queries()}
   */
  public int rows() {
    return queries.rows();
  }

  /**
   * The metric the distances are in.
   *
   * @return the kernel's metric
   */
  public MetricSpace metric() {
    return metric;
  }

  /**
   * The query rows.
   *
   * @return the matrix whose rows the lists belong to
   */
  public EmbeddingMatrix queries() {
    return queries;
  }

  /**
   * The rows the neighbours were drawn from.
   *
   * @return the base matrix (the query matrix itself for a self search)
   */
  public EmbeddingMatrix base() {
    return base;
  }

  /**
   * Base row position of one neighbour.
   *
   * @param row query row position
   * @param rank 0-based rank, 0 being the nearest
   * @return the neighbour's row position in {@link #base()}
   * @throws IndexOutOfBoundsException if {@code row} or {@code rank} is out of range
   */
  public int index(int row, int rank) {
    return indices[pos(row, rank)];
  }

  /**
   * Vocabulary id of one neighbour.
   *
   * @param row query row position
   * @param rank 0-based rank, 0 being the nearest
   * @return the neighbour's vocabulary id
   * @throws IndexOutOfBoundsException if {@code row} or {@code rank} is out of range
   */
  public int id(int row, int rank) {
    return base.id(index(row, rank));
  }

  /**
   * Distance to one neighbour, in the metric's units.
   *
   * @param row query row position
   * @param rank 0-based rank, 0 being the nearest
   * @return the distance, never negative; 0 or infinity where float32 cannot hold it (see {@link
   *     #meanDistance}, which is exact)
   * @throws IndexOutOfBoundsException if {@code row} or {@code rank} is out of range
   */
  public float distance(int row, int rank) {
    return unscaled(distances[pos(row, rank)]);
  }

  private float unscaled(float v) {
    return exponent == 0 ? v : (float) Math.scalb((double) v, exponent);
  }

  /**
   * Cosine similarity {@code 1 - distance}, for neighbours in the cosine metric.
   *
   * @param row query row position
   * @param rank 0-based rank, 0 being the most similar
   * @return the similarity, in [-1, 1]
   * @throws IllegalStateException if the metric is not cosine
   * @throws IndexOutOfBoundsException if {@code row} or {@code rank} is out of range
   */
  public float similarity(int row, int rank) {
    if (!(metric instanceof MetricSpace.Cosine)) {
      throw new IllegalStateException("similarity is defined for cosine neighbours, not " + metric);
    }
    return 1f - distance(row, rank);
  }

  /**
   * Mean distance of one query row to its k neighbours, summed in double; in double's range even
   * where single distances are beyond float32's (a causal metric far from unit scale).
   *
   * @param row query row position
   * @return the mean distance, 0 when all k neighbours are exact duplicates
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public double meanDistance(int row) {
    double s = 0;
    int o = pos(row, 0);
    for (int j = 0; j < k; j++) {
      s += distances[o + j];
    }
    return Math.scalb(s / k, exponent);
  }

  /**
   * All base row positions.
   *
   * @return a copy, row-major, {@code rows() * k} entries
   */
  public int[] indices() {
    return indices.clone();
  }

  /**
   * All distances.
   *
   * @return a copy, row-major, {@code rows() * k} entries
   */
  public float[] distances() {
    float[] out = distances.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = unscaled(out[i]);
    }
    return out;
  }

  private int pos(int row, int rank) {
    Objects.checkIndex(row, queries.rows());
    Objects.checkIndex(rank, k);
    return row * k + rank;
  }
}
