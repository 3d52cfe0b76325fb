package io.github.embeddinggeometry;

import java.util.Arrays;
import java.util.Objects;

/**
 * A read-only N x d float32 matrix, one row per token, row-major.
 *
 * <p>Every row carries its <em>vocabulary id</em>: a matrix read from a checkpoint has ids {@code
 * 0..N-1}; a {@linkplain #select(int[]) selection} keeps the ids of the rows it selects, so results
 * always name vocabulary ids, never positions in a subset. Ids are strictly ascending in every
 * matrix.
 *
 * <p>A selection is a view: it shares the backing array and copies nothing but its index. Call
 * {@link #compact()} to get a contiguous copy when a kernel benefits from one.
 *
 * <p>The backing array holds at most {@link Integer#MAX_VALUE} floats (8 GiB), which covers a
 * 151,936 x 2,560 vocabulary (389 M floats). Instances are immutable as long as nobody writes into
 * the array passed to {@link #wrap}; they are safe to share between threads.
 *
 * @since 0.1
 */
public final class EmbeddingMatrix {
  private final float[] data;
  private final int rows;
  private final int dim;

  /** Vocabulary id of each row, strictly ascending; null means ids 0..rows-1. */
  private final int[] ids;

  /** Start offset in {@link #data} of each row; null means contiguous rows (row r at r * dim). */
  private final long[] offsets;

  private EmbeddingMatrix(float[] data, int rows, int dim, int[] ids, long[] offsets) {
    this.data = data;
    this.rows = rows;
    this.dim = dim;
    this.ids = ids;
    this.offsets = offsets;
  }

  /**
   * Wraps a row-major array without copying it; row r gets vocabulary id r.
   *
   * @param data row-major values, {@code rows * dim} long. Not copied: the caller must not modify
   *     it afterwards.
   * @param rows N, at least 0
   * @param dim d, at least 1
   * @return a contiguous matrix over {@code data}
   * @throws IllegalArgumentException if the shape is negative or does not match the array length
   */
  public static EmbeddingMatrix wrap(float[] data, int rows, int dim) {
    Objects.requireNonNull(data, "data");
    if (rows < 0 || dim <= 0) {
      throw new IllegalArgumentException(
          "shape must be rows >= 0, dim > 0; got " + rows + " x " + dim);
    }
    if ((long) rows * dim != data.length) {
      throw new IllegalArgumentException(
          "array of " + data.length + " floats does not hold " + rows + " x " + dim);
    }
    return new EmbeddingMatrix(data, rows, dim, null, null);
  }

  /**
   * Copies a rectangular {@code float[rows][dim]} array; row r gets vocabulary id r.
   *
   * @param rowsData at least one row, all of the same length. Not modified.
   * @return a new contiguous matrix
   * @throws IllegalArgumentException if there are no rows or the rows differ in length
   */
  public static EmbeddingMatrix copyOf(float[][] rowsData) {
    Objects.requireNonNull(rowsData, "rows");
    if (rowsData.length == 0) {
      throw new IllegalArgumentException("need at least one row to know the dimension");
    }
    int dim = rowsData[0].length;
    float[] data = new float[Math.multiplyExact(rowsData.length, dim)];
    for (int r = 0; r < rowsData.length; r++) {
      if (rowsData[r].length != dim) {
        throw new IllegalArgumentException(
            "row " + r + " has " + rowsData[r].length + " values, row 0 has " + dim);
      }
      System.arraycopy(rowsData[r], 0, data, r * dim, dim);
    }
    return wrap(data, rowsData.length, dim);
  }

  /**
   * The same rows under other vocabulary ids, e.g. for a matrix holding a sample of a vocabulary.
   *
   * @param newIds one id per row, strictly ascending, non-negative. Not modified (copied).
   * @return a matrix sharing the rows of this one
   * @throws IllegalArgumentException if the count differs from the rows or the ids are not strictly
   *     ascending and non-negative
   */
  public EmbeddingMatrix withIds(int[] newIds) {
    Objects.requireNonNull(newIds, "ids");
    if (newIds.length != rows) {
      throw new IllegalArgumentException(newIds.length + " ids for " + rows + " rows");
    }
    for (int i = 0; i < newIds.length; i++) {
      if (newIds[i] < 0 || (i > 0 && newIds[i] <= newIds[i - 1])) {
        throw new IllegalArgumentException(
            "ids must be non-negative and strictly ascending; id[" + i + "] = " + newIds[i]);
      }
    }
    return new EmbeddingMatrix(data, rows, dim, newIds.clone(), offsets);
  }

  /**
   * Number of rows.
   *
   * @return N
   */
  public int rows() {
    return rows;
  }

  /**
   * Row length.
   *
   * @return d
   */
  public int dim() {
    return dim;
  }

  /**
   * Vocabulary id of a row.
   *
   * @param row row position, in [0, N)
   * @return its vocabulary id
   * @throws IndexOutOfBoundsException if {@code row} is outside [0, N)
   */
  public int id(int row) {
    Objects.checkIndex(row, rows);
    return ids == null ? row : ids[row];
  }

  /**
   * Vocabulary ids of all rows.
   *
   * @return a new array, ascending
   */
  public int[] ids() {
    if (ids != null) {
      return ids.clone();
    }
    int[] out = new int[rows];
    Arrays.setAll(out, i -> i);
    return out;
  }

  /**
   * Row position of a vocabulary id.
   *
   * @param id a vocabulary id
   * @return its row position, or a negative number if no row has that id
   */
  public int rowOf(int id) {
    if (ids == null) {
      return id >= 0 && id < rows ? id : -1;
    }
    int p = Arrays.binarySearch(ids, id);
    return p >= 0 ? p : -1;
  }

  /**
   * One value.
   *
   * @param row row position, in [0, N)
   * @param col column, in [0, d)
   * @return the value at (row, col)
   * @throws IndexOutOfBoundsException if {@code row} or {@code col} is out of range
   */
  public float get(int row, int col) {
    Objects.checkIndex(col, dim);
    return data[(int) (rowOffset(row) + col)];
  }

  /**
   * A copy of one row.
   *
   * @param row row position, in [0, N)
   * @return a new array of length d
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public float[] row(int row) {
    float[] out = new float[dim];
    copyRow(row, out, 0);
    return out;
  }

  /**
   * Copies one row into an array.
   *
   * @param row row position, in [0, N)
   * @param dst Modified: receives the row at {@code [dstOffset, dstOffset + d)}
   * @param dstOffset where the row starts in {@code dst}
   * @throws IndexOutOfBoundsException if {@code row} is out of range or {@code dst} is too short
   */
  public void copyRow(int row, float[] dst, int dstOffset) {
    System.arraycopy(data, rowOffsetInt(row), dst, dstOffset, dim);
  }

  /**
   * Offset of a row in {@link #backingArray()}. For backends: together they give allocation-free
   * access to the rows.
   *
   * @param row row position, in [0, N)
   * @return index of the row's first value in the backing array
   * @throws IndexOutOfBoundsException if {@code row} is out of range
   */
  public int rowOffsetInt(int row) {
    return (int) rowOffset(row);
  }

  private long rowOffset(int row) {
    Objects.checkIndex(row, rows);
    return offsets == null ? (long) row * dim : offsets[row];
  }

  /**
   * The backing array, shared, not copied; rows may not be contiguous in a selection. For backends
   * only: never write into it.
   *
   * @return the array the rows live in
   */
  public float[] backingArray() {
    return data;
  }

  /**
   * Whether row r starts at {@code r * dim} in the backing array (no selection).
   *
   * @return true for a matrix that is not a view
   */
  public boolean isContiguous() {
    return offsets == null;
  }

  /**
   * The rows with the given vocabulary ids, as a view. The ids are sorted ascending and
   * de-duplicated first (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#notation">notation</a>).
   *
   * @param vocabularyIds ids present in this matrix. Not modified.
   * @return a view sharing the rows, ids ascending
   * @throws IllegalArgumentException naming the first id that no row has
   */
  public EmbeddingMatrix select(int[] vocabularyIds) {
    int[] sorted = Arrays.stream(vocabularyIds).sorted().distinct().toArray();
    long[] offs = new long[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      int r = rowOf(sorted[i]);
      if (r < 0) {
        throw new IllegalArgumentException(
            "no row has vocabulary id " + sorted[i] + " (matrix has " + rows + " rows)");
      }
      offs[i] = rowOffset(r);
    }
    return new EmbeddingMatrix(data, sorted.length, dim, sorted, offs);
  }

  /**
   * Rows {@code [from, to)} as a view, keeping their ids.
   *
   * @param from first row position, inclusive
   * @param to last row position, exclusive
   * @return a view sharing the rows
   * @throws IndexOutOfBoundsException if the range is not within [0, N]
   */
  public EmbeddingMatrix slice(int from, int to) {
    Objects.checkFromToIndex(from, to, rows);
    int[] sel = new int[to - from];
    for (int i = 0; i < sel.length; i++) {
      sel[i] = id(from + i);
    }
    return select(sel);
  }

  /**
   * A contiguous copy, keeping the ids.
   *
   * @return this, if already contiguous; otherwise a new matrix
   */
  public EmbeddingMatrix compact() {
    if (offsets == null) {
      return this;
    }
    float[] out = new float[Math.multiplyExact(rows, dim)];
    for (int r = 0; r < rows; r++) {
      copyRow(r, out, r * dim);
    }
    return new EmbeddingMatrix(out, rows, dim, ids == null ? null : ids.clone(), null);
  }

  /**
   * Index of the first row holding a NaN or infinity. Distances are defined for finite rows only;
   * every backend rejects the others with this row's position and id in the message.
   *
   * @return a row position, or -1 when every row is finite
   */
  public int firstNonFiniteRow() {
    for (int r = 0; r < rows; r++) {
      int o = rowOffsetInt(r);
      for (int c = 0; c < dim; c++) {
        if (!Float.isFinite(data[o + c])) {
          return r;
        }
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "EmbeddingMatrix[" + rows + " x " + dim + (offsets == null ? "" : ", view") + "]";
  }
}
