package io.github.embeddinggeometry.io.tensor;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;

/**
 * A typed n-dimensional array read from (or to be written to) a file: its data stays where it is (a
 * memory-mapped file, a heap buffer) until a {@code read}/{@code to} method converts it.
 *
 * <p>Element order in every method is C order (row-major, last index fastest), whatever the layout
 * on disk (Fortran-order .npy, strided torch tensors). Floating-point values widen exactly to
 * float32 except F64 (rounded to nearest) ; integers convert like a Java cast.
 *
 * <p>A tensor from a file that has been closed throws {@link IllegalStateException}. Reads are
 * thread-safe. {@code io.github.embeddinggeometry.io.Tensors} makes tensors over arrays, for the
 * writers.
 *
 * @since 0.1
 */
public interface Tensor {
  /**
   * The tensor's name in its file.
   *
   * @return the name; "" when it has none, e.g. a .npy array
   */
  String name();

  /**
   * Element type as stored.
   *
   * @return the dtype
   */
  DType dtype();

  /**
   * Dimensions.
   *
   * @return a copy; {@code []} for a scalar
   */
  long[] shape();

  /**
   * Number of dimensions.
   *
   * @return the rank
   */
  default int rank() {
    return shape().length;
  }

  /**
   * Number of elements: the product of the dimensions (1 for a scalar).
   *
   * @return the element count
   */
  default long numel() {
    long n = 1;
    for (long d : shape()) {
      n *= d;
    }
    return n;
  }

  /**
   * Converts {@code len} elements starting at C-order element {@code from} to float32.
   *
   * @param from first element, C order
   * @param dst Modified: receives the values at {@code [off, off + len)}
   * @param off where the first value goes in {@code dst}
   * @param len number of elements
   * @throws IndexOutOfBoundsException if the range lies outside the tensor or {@code dst}
   * @throws IllegalStateException if the file has been closed
   */
  void readFloats(long from, float[] dst, int off, int len);

  /**
   * Like {@link #readFloats} in float64 (exact for every float type and for integers up to 2^53).
   *
   * @param from first element, C order
   * @param dst Modified: receives the values at {@code [off, off + len)}
   * @param off where the first value goes in {@code dst}
   * @param len number of elements
   * @throws IndexOutOfBoundsException if the range lies outside the tensor or {@code dst}
   * @throws IllegalStateException if the file has been closed
   */
  void readDoubles(long from, double[] dst, int off, int len);

  /**
   * Reads integer (or BOOL as 0/1) elements exactly.
   *
   * @param from first element, C order
   * @param dst Modified: receives the values at {@code [off, off + len)}
   * @param off where the first value goes in {@code dst}
   * @param len number of elements
   * @throws UnsupportedOperationException for floating-point tensors
   * @throws IndexOutOfBoundsException if the range lies outside the tensor or {@code dst}
   * @throws IllegalStateException if the file has been closed
   */
  void readLongs(long from, long[] dst, int off, int len);

  /**
   * All elements as float32, C order.
   *
   * @return a new array
   * @throws IllegalStateException if the tensor has too many elements for one array
   */
  default float[] toFloatArray() {
    float[] out = new float[checkedSize(this)];
    readFloats(0, out, 0, out.length);
    return out;
  }

  /**
   * All elements as float64, C order.
   *
   * @return a new array
   * @throws IllegalStateException if the tensor has too many elements for one array
   */
  default double[] toDoubleArray() {
    double[] out = new double[checkedSize(this)];
    readDoubles(0, out, 0, out.length);
    return out;
  }

  /**
   * All elements of an integer tensor, C order.
   *
   * @return a new array
   * @throws UnsupportedOperationException for floating-point tensors
   * @throws IllegalStateException if the tensor has too many elements for one array
   */
  default long[] toLongArray() {
    long[] out = new long[checkedSize(this)];
    readLongs(0, out, 0, out.length);
    return out;
  }

  /**
   * A rank-2 tensor as an {@link EmbeddingMatrix} (rows = dimension 0, row i = vocabulary id i),
   * widened to float32 in parallel chunks.
   *
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return a new matrix
   * @throws IllegalStateException if the tensor is not rank 2 or exceeds 2^31-1 elements
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  EmbeddingMatrix toEmbeddingMatrix(ProgressListener progress);

  /**
   * The elements as little-endian bytes in C order, in this tensor's own dtype (for writers and
   * bit-exact comparisons).
   *
   * @return a new array
   * @throws IllegalStateException if the tensor has too many bytes for one array
   */
  byte[] toLittleEndianBytes();

  private static int checkedSize(Tensor t) {
    long n = t.numel();
    if (n > Integer.MAX_VALUE - 8) {
      String name = t.name(); // from a file: cut here, as io.tensor must not use io.internal
      throw new IllegalStateException(
          "tensor "
              + (name.length() <= 100 ? name : name.substring(0, 100) + "...")
              + " has "
              + n
              + " elements, too many for one Java array;"
              + " read it in pieces with readFloats");
    }
    return (int) n;
  }
}
