package io.github.embeddinggeometry.spark;

/**
 * One value per row of a block (a density, a log volumetric density, a causal norm ...), with the
 * rows' vocabulary ids.
 *
 * @since 0.1
 */
public final class BlockValues extends Block {
  private static final long serialVersionUID = 1L;

  /** One value per row, in row order. Never modified after construction. */
  private final double[] values;

  /**
   * Wraps the values of one block.
   *
   * @param index the block's number, 0-based
   * @param start row position of the first row
   * @param ids vocabulary ids, strictly ascending. Not copied.
   * @param values one per row. Not copied.
   */
  BlockValues(int index, int start, int[] ids, double[] values) {
    super(index, start, ids);
    this.values = values;
  }

  /**
   * Value of one row.
   *
   * @param i local row, in {@code [0, rows())}
   * @return the row's value
   * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [0, rows())}
   */
  public double value(int i) {
    return values[i];
  }

  /**
   * All values of the block.
   *
   * @return a new array, one value per row in row order
   */
  public double[] values() {
    return values.clone();
  }

  /**
   * The vocabulary ids of the rows.
   *
   * @return a new array, strictly ascending, one id per row
   */
  public int[] ids() {
    return idArray().clone();
  }
}
