package io.github.embeddinggeometry.spark;

import java.io.Serializable;

/**
 * The k nearest neighbours of the rows of one block, nearest first (ties: lower vocabulary id),
 * self excluded by id: what the single-machine {@code DistanceKernel.nearest} returns for these
 * rows, bit for bit. Neighbours are named by vocabulary id.
 *
 * @since 0.1
 */
public final class NeighbourBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final int start;
  private final int[] ids;
  private final int k;
  private final int[] neighbourIds;
  private final float[] distances;

  NeighbourBlock(int index, int start, int[] ids, int k, int[] neighbourIds, float[] distances) {
    this.index = index;
    this.start = start;
    this.ids = ids;
    this.k = k;
    this.neighbourIds = neighbourIds;
    this.distances = distances;
  }

  /** The block's number. */
  public int index() {
    return index;
  }

  /** Row position of the block's first row. */
  public int start() {
    return start;
  }

  /** Rows in the block. */
  public int rows() {
    return ids.length;
  }

  /** Neighbours per row. */
  public int k() {
    return k;
  }

  /** Vocabulary id of local row {@code i}. */
  public int id(int i) {
    return ids[i];
  }

  /** Vocabulary id of the {@code rank}-th neighbour (0-based) of local row {@code i}. */
  public int neighbourId(int i, int rank) {
    return neighbourIds[i * k + rank];
  }

  /** Distance to the {@code rank}-th neighbour of local row {@code i}. */
  public float distance(int i, int rank) {
    return distances[i * k + rank];
  }

  /** The ids of the rows, a copy. */
  public int[] ids() {
    return ids.clone();
  }

  /** Neighbour ids, row-major {@code rows x k}, a copy. */
  public int[] neighbourIds() {
    return neighbourIds.clone();
  }

  /** Distances, row-major {@code rows x k}, a copy. */
  public float[] distances() {
    return distances.clone();
  }

  int[] idArray() {
    return ids;
  }

  float[] distanceArray() {
    return distances;
  }

  int[] neighbourArray() {
    return neighbourIds;
  }
}
