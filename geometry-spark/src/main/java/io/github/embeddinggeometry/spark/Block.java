package io.github.embeddinggeometry.spark;

import java.io.Serializable;

/**
 * What every per-block record of a distributed matrix shares: the block's number, the row position
 * of its first row, and the vocabulary ids of its rows. Local row {@code i} of a block is row
 * position {@code start() + i} of the matrix. Subclassed only in this package ({@link RowBlock},
 * {@link NeighbourBlock}, {@link BlockValues}).
 *
 * @since 0.1
 */
public abstract class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The block's number, 0-based; block b lives in partition b. */
  private final int index;

  /** Row position (rank among all ids) of the block's first row. */
  private final int start;

  /** Vocabulary ids of the rows, strictly ascending. Shared with the subclass, never modified. */
  private final int[] ids;

  /**
   * Takes the shared part of a block.
   *
   * @param index the block's number, 0-based
   * @param start row position of the first row
   * @param ids vocabulary ids, strictly ascending. Not copied.
   */
  Block(int index, int start, int[] ids) {
    this.index = index;
    this.start = start;
    this.ids = ids;
  }

  /**
   * The block's number.
   *
   * @return the number, 0-based; block b lives in partition b
   */
  public int index() {
    return index;
  }

  /**
   * Row position of the block's first row.
   *
   * @return the rank of the first row's id among all ids of the matrix
   */
  public int start() {
    return start;
  }

  /**
   * Rows in the block.
   *
   * @return the number of rows, possibly 0
   */
  public int rows() {
    return ids.length;
  }

  /**
   * Vocabulary id of one row.
   *
   * @param i local row, in {@code [0, rows())}
   * @return the row's vocabulary id
   * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [0, rows())}
   */
  public int id(int i) {
    return ids[i];
  }

  /** The ids, shared: do not modify. */
  int[] idArray() {
    return ids;
  }
}
