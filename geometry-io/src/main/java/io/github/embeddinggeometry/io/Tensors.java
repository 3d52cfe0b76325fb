package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.Tensor;

/**
 * Tensors over Java arrays, to hand to {@code SafetensorsWriter} or {@code NpyWriter}.
 *
 * @since 0.1
 */
public final class Tensors {
  private Tensors() {}

  /**
   * A float32 tensor over an array.
   *
   * @param name the tensor's name in the file to be written
   * @param data C-order values. Not copied: do not modify it while the tensor is in use.
   * @param shape dimensions
   * @return a tensor over {@code data}
   * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
   */
  public static Tensor of(String name, float[] data, long... shape) {
    return RegionTensor.ofFloats(name, data, shape);
  }

  /**
   * A float64 tensor over a copy of an array.
   *
   * @param name the tensor's name in the file to be written
   * @param data C-order values. Not modified (copied).
   * @param shape dimensions
   * @return a new tensor
   * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
   */
  public static Tensor of(String name, double[] data, long... shape) {
    return RegionTensor.ofDoubles(name, data, shape);
  }

  /**
   * An int64 tensor over a copy of an array.
   *
   * @param name the tensor's name in the file to be written
   * @param data C-order values. Not modified (copied).
   * @param shape dimensions
   * @return a new tensor
   * @throws IllegalArgumentException if the shape does not hold {@code data.length} values
   */
  public static Tensor of(String name, long[] data, long... shape) {
    return RegionTensor.ofLongs(name, data, shape);
  }

  /**
   * A tensor of any dtype from its little-endian bytes in C order, e.g. bf16 values.
   *
   * @param name the tensor's name in the file to be written
   * @param dtype the element type the bytes encode
   * @param littleEndian the elements' bytes. Not modified (copied).
   * @param shape dimensions
   * @return a new tensor
   * @throws IllegalArgumentException if the byte count does not match shape x dtype
   */
  public static Tensor ofBytes(String name, DType dtype, byte[] littleEndian, long... shape) {
    return RegionTensor.ofBytes(name, dtype, littleEndian, shape);
  }
}
