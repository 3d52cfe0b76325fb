package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Objects;

/**
 * One block of consecutive rows of a distributed matrix: rows {@code [start, start + rows)} in
 * vocabulary-id order, with their ids and float32 values (row-major). The unit a Spark task reads,
 * ships and computes on.
 *
 * @since 0.1
 */
public final class RowBlock extends Block {
  private static final long serialVersionUID = 1L;

  /** Row length d. */
  private final int dim;

  /** The rows' values, row-major {@code rows x dim}. Never modified after construction. */
  private final float[] data;

  /**
   * Wraps the rows of one block; the values are not checked for finiteness (see {@link
   * #requireFinite()}).
   *
   * @param index the block's number, 0-based
   * @param start row position (rank among all ids) of the first row
   * @param dim row length d, at least 1 (not checked here; {@link #matrix()} checks it)
   * @param ids vocabulary ids, strictly ascending and non-negative. Not copied.
   * @param data {@code ids.length x dim} values, row-major. Not copied: the caller must not modify
   *     it afterwards.
   * @throws NullPointerException if {@code ids} or {@code data} is null
   * @throws IllegalArgumentException if {@code data} does not hold {@code ids.length x dim} values
   */
  public RowBlock(int index, int start, int dim, int[] ids, float[] data) {
    super(index, start, Objects.requireNonNull(ids, "ids"));
    this.dim = dim;
    this.data = Objects.requireNonNull(data, "data");
    if ((long) ids.length * dim != data.length) {
      throw new IllegalArgumentException(
          "block " + index + ": " + data.length + " values for " + ids.length + " x " + dim);
    }
  }

  /**
   * Row length.
   *
   * @return d, the same for every block of a matrix
   */
  public int dim() {
    return dim;
  }

  /** The values, shared: do not modify. */
  float[] data() {
    return data;
  }

  /**
   * The rows as a matrix carrying their vocabulary ids, for the library's single-machine kernels.
   *
   * @return a matrix sharing this block's values (not copied): row i has id {@code id(i)}
   * @throws IllegalArgumentException if {@code dim() < 1}, or the ids are not strictly ascending
   *     and non-negative
   */
  public EmbeddingMatrix matrix() {
    EmbeddingMatrix m = EmbeddingMatrix.wrap(data, rows(), dim);
    return rows() == 0 ? m : m.withIds(idArray());
  }

  /**
   * Checks that every value is finite: the analyses are defined for finite rows only, and a task
   * that finds a bad row names it rather than producing NaN distances.
   *
   * @return this block
   * @throws NonFiniteRowException for the first value (in row-major order) that is NaN or infinite,
   *     naming its row position, vocabulary id and column
   */
  public RowBlock requireFinite() {
    int[] ids = idArray();
    for (int r = 0; r < ids.length; r++) {
      int o = r * dim;
      for (int c = 0; c < dim; c++) {
        float v = data[o + c];
        if (!Float.isFinite(v)) {
          throw new NonFiniteRowException(start() + r, ids[r], c, v);
        }
      }
    }
    return this;
  }

  @Override
  public String toString() {
    return "RowBlock["
        + index()
        + ": rows "
        + start()
        + ".."
        + (start() + rows())
        + " x "
        + dim
        + "]";
  }
}
