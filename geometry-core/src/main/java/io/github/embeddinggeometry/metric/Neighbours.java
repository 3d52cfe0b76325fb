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
 * @since 0.1
 */
public final class Neighbours {
  private final EmbeddingMatrix queries;
  private final EmbeddingMatrix base;
  private final MetricSpace metric;
  private final int k;
  private final int[] indices;
  private final float[] distances;

  /**
   * @param indices base row positions, {@code queries.rows() * k}, row-major. Not copied.
   * @param distances matching distances, ascending within each row. Not copied.
   */
  public Neighbours(
      EmbeddingMatrix queries,
      EmbeddingMatrix base,
      MetricSpace metric,
      int k,
      int[] indices,
      float[] distances) {
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
  }

  /** Neighbours per row. */
  public int k() {
    return k;
  }

  /** Number of query rows. */
  public int rows() {
    return queries.rows();
  }

  /** The metric the distances are in. */
  public MetricSpace metric() {
    return metric;
  }

  /** The query rows. */
  public EmbeddingMatrix queries() {
    return queries;
  }

  /** The rows the neighbours were drawn from. */
  public EmbeddingMatrix base() {
    return base;
  }

  /** Base row position of the {@code rank}-th (0-based) neighbour of query row {@code row}. */
  public int index(int row, int rank) {
    return indices[pos(row, rank)];
  }

  /** Vocabulary id of the {@code rank}-th neighbour of query row {@code row}. */
  public int id(int row, int rank) {
    return base.id(index(row, rank));
  }

  /** Distance to the {@code rank}-th neighbour of query row {@code row}. */
  public float distance(int row, int rank) {
    return distances[pos(row, rank)];
  }

  /** Cosine similarity {@code 1 - distance}, for neighbours in the cosine metric. */
  public float similarity(int row, int rank) {
    if (!(metric instanceof MetricSpace.Cosine)) {
      throw new IllegalStateException("similarity is defined for cosine neighbours, not " + metric);
    }
    return 1f - distance(row, rank);
  }

  /** Mean distance of row {@code row} to its k neighbours, accumulated in double. */
  public double meanDistance(int row) {
    double s = 0;
    int o = pos(row, 0);
    for (int j = 0; j < k; j++) {
      s += distances[o + j];
    }
    return s / k;
  }

  /** Row-major base positions, a copy. */
  public int[] indices() {
    return indices.clone();
  }

  /** Row-major distances, a copy. */
  public float[] distances() {
    return distances.clone();
  }

  private int pos(int row, int rank) {
    Objects.checkIndex(row, queries.rows());
    Objects.checkIndex(rank, k);
    return row * k + rank;
  }
}
