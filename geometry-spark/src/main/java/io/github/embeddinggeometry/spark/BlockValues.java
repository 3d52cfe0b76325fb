package io.github.embeddinggeometry.spark;

import java.io.Serializable;

/**
 * One value per row of a block (a density, a log volumetric density, a causal norm ...), with the
 * rows' vocabulary ids.
 *
 * @since 0.1
 */
public final class BlockValues implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final int start;
  private final int[] ids;
  private final double[] values;

  BlockValues(int index, int start, int[] ids, double[] values) {
    this.index = index;
    this.start = start;
    this.ids = ids;
    this.values = values;
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

  /** Vocabulary id of local row {@code i}. */
  public int id(int i) {
    return ids[i];
  }

  /** Value of local row {@code i}. */
  public double value(int i) {
    return values[i];
  }

  /** The values, a copy. */
  public double[] values() {
    return values.clone();
  }

  /** The ids, a copy. */
  public int[] ids() {
    return ids.clone();
  }
}
