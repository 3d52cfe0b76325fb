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
  /** The tensor's name in its file ("" when it has none, e.g. a .npy array). */
  String name();

  /** Element type as stored. */
  DType dtype();

  /** Dimensions, a copy; {@code []} for a scalar. */
  long[] shape();

  /** Number of dimensions. */
  default int rank() {
    return shape().length;
  }

  /** Number of elements: the product of the dimensions (1 for a scalar). */
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
   * @param dst receives the values at {@code [off, off + len)}. Modified.
   */
  void readFloats(long from, float[] dst, int off, int len);

  /** Like {@link #readFloats} in float64 (exact for every float type and for ints up to 2^53). */
  void readDoubles(long from, double[] dst, int off, int len);

  /**
   * Reads integer (or BOOL as 0/1) elements exactly.
   *
   * @throws UnsupportedOperationException for floating-point tensors
   */
  void readLongs(long from, long[] dst, int off, int len);

  /** All elements as float32, C order. */
  default float[] toFloatArray() {
    float[] out = new float[checkedSize(this)];
    readFloats(0, out, 0, out.length);
    return out;
  }

  /** All elements as float64, C order. */
  default double[] toDoubleArray() {
    double[] out = new double[checkedSize(this)];
    readDoubles(0, out, 0, out.length);
    return out;
  }

  /** All elements of an integer tensor, C order. */
  default long[] toLongArray() {
    long[] out = new long[checkedSize(this)];
    readLongs(0, out, 0, out.length);
    return out;
  }

  /**
   * A rank-2 tensor as an {@link EmbeddingMatrix} (rows = dimension 0), widened to float32 in
   * parallel chunks.
   *
   * @throws IllegalStateException if the tensor is not rank 2 or exceeds 2^31-1 elements
   */
  default EmbeddingMatrix toEmbeddingMatrix() {
    return toEmbeddingMatrix(ProgressListener.NONE);
  }

  /** Like {@link #toEmbeddingMatrix()}, reporting rows converted and honouring cancellation. */
  EmbeddingMatrix toEmbeddingMatrix(ProgressListener progress);

  /**
   * The elements as little-endian bytes in C order, in this tensor's own dtype (for writers and
   * bit-exact comparisons).
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
