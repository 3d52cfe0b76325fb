package io.github.embeddinggeometry.spark;

/**
 * The k nearest neighbours of the rows of one block, nearest first (ties: lower vocabulary id),
 * self excluded by id: what the single-machine {@code DistanceKernel.nearest} returns for these
 * rows, bit for bit. Neighbours are named by vocabulary id.
 *
 * @since 0.1
 */
public final class NeighbourBlock extends Block {
  private static final long serialVersionUID = 1L;

  /** Neighbours per row. */
  private final int k;

  /** Vocabulary ids of the neighbours, row-major {@code rows x k}. Never modified. */
  private final int[] neighbourIds;

  /** Distances to the neighbours, row-major {@code rows x k}, in the metric's units. */
  private final float[] distances;

  /**
   * Wraps the completed lists of one block.
   *
   * @param index the block's number, 0-based
   * @param start row position of the first row
   * @param ids vocabulary ids, strictly ascending. Not copied.
   * @param k neighbours per row
   * @param neighbourIds {@code ids.length x k}, row-major. Not copied.
   * @param distances {@code ids.length x k}, row-major. Not copied.
   */
  NeighbourBlock(int index, int start, int[] ids, int k, int[] neighbourIds, float[] distances) {
    super(index, start, ids);
    this.k = k;
    this.neighbourIds = neighbourIds;
    this.distances = distances;
  }

  /**
   * Neighbours per row.
   *
   * @return k, the same for every row
   */
  public int k() {
    return k;
  }

  /**
   * One neighbour of one row.
   *
   * @param i local row, in {@code [0, rows())}
   * @param rank 0 for the nearest, up to {@code k() - 1}
   * @return the neighbour's vocabulary id
   * @throws ArrayIndexOutOfBoundsException if {@code i * k() + rank} is outside the lists (a {@code
   *     rank} of k or more is not checked on its own and reads the next row's list)
   */
  public int neighbourId(int i, int rank) {
    return neighbourIds[i * k + rank];
  }

  /**
   * Distance from one row to one of its neighbours.
   *
   * @param i local row, in {@code [0, rows())}
   * @param rank 0 for the nearest, up to {@code k() - 1}
   * @return the distance, in the units of the metric the lists were computed in
   * @throws ArrayIndexOutOfBoundsException if {@code i * k() + rank} is outside the lists (a {@code
   *     rank} of k or more is not checked on its own and reads the next row's list)
   */
  public float distance(int i, int rank) {
    return distances[i * k + rank];
  }

  /**
   * The vocabulary ids of the rows.
   *
   * @return a new array, strictly ascending, one id per row
   */
  public int[] ids() {
    return idArray().clone();
  }

  /**
   * All neighbour ids of the block.
   *
   * @return a new array, row-major {@code rows() x k()}, each row nearest first
   */
  public int[] neighbourIds() {
    return neighbourIds.clone();
  }

  /**
   * All neighbour distances of the block.
   *
   * @return a new array, row-major {@code rows() x k()}, each row nearest first
   */
  public float[] distances() {
    return distances.clone();
  }

  /** The distances, shared: do not modify. */
  float[] distanceArray() {
    return distances;
  }

  /** The neighbour ids, shared: do not modify. */
  int[] neighbourArray() {
    return neighbourIds;
  }
}
