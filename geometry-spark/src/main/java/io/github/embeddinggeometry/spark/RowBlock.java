package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.io.Serializable;
import java.util.Objects;

/**
 * One block of consecutive rows of a distributed matrix: rows {@code [start, start + rows)} in
 * vocabulary-id order, with their ids and float32 values (row-major). The unit a Spark task reads,
 * ships and computes on.
 *
 * @since 0.1
 */
public final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final int start;
  private final int dim;
  private final int[] ids;
  private final float[] data;

  /**
   * @param index the block's number, 0-based
   * @param start row position (rank among all ids) of the first row
   * @param ids vocabulary ids, strictly ascending. Not copied.
   * @param data {@code ids.length x dim} values, row-major. Not copied.
   */
  public RowBlock(int index, int start, int dim, int[] ids, float[] data) {
    this.index = index;
    this.start = start;
    this.dim = dim;
    this.ids = Objects.requireNonNull(ids, "ids");
    this.data = Objects.requireNonNull(data, "data");
    if ((long) ids.length * dim != data.length) {
      throw new IllegalArgumentException(
          "block " + index + ": " + data.length + " values for " + ids.length + " x " + dim);
    }
  }

  /** The block's number. */
  public int index() {
    return index;
  }

  /** Row position of the first row. */
  public int start() {
    return start;
  }

  /** Number of rows. */
  public int rows() {
    return ids.length;
  }

  /** Row length d. */
  public int dim() {
    return dim;
  }

  /** Vocabulary id of local row {@code i}. */
  public int id(int i) {
    return ids[i];
  }

  /** The ids, shared: do not modify. */
  int[] idArray() {
    return ids;
  }

  /** The values, shared: do not modify. */
  float[] data() {
    return data;
  }

  /** The rows as a matrix carrying their vocabulary ids (shares the values). */
  public EmbeddingMatrix matrix() {
    EmbeddingMatrix m = EmbeddingMatrix.wrap(data, ids.length, dim);
    return ids.length == 0 ? m : m.withIds(ids);
  }

  /**
   * Throws, naming the row's position and vocabulary id, when a value is NaN or infinite: the
   * analyses are defined for finite rows only.
   */
  public RowBlock requireFinite() {
    for (int r = 0; r < ids.length; r++) {
      int o = r * dim;
      for (int c = 0; c < dim; c++) {
        float v = data[o + c];
        if (!Float.isFinite(v)) {
          throw new NonFiniteRowException(start + r, ids[r], c, v);
        }
      }
    }
    return this;
  }

  @Override
  public String toString() {
    return "RowBlock[" + index + ": rows " + start + ".." + (start + rows()) + " x " + dim + "]";
  }
}
