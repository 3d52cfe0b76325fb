package io.github.embeddinggeometry.io.safetensors;

import io.github.embeddinggeometry.io.tensor.DType;
import java.util.Arrays;

/**
 * One entry of a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions (a copy is returned by {@link #shape()})
 * @param begin first byte, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section
 * @since 0.1
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
  /**
   * Copies the shape.
   *
   * @param name tensor name
   * @param dtype element type
   * @param shape dimensions. Not modified (copied).
   * @param begin first byte, relative to the start of the data section
   * @param end one past the last byte, relative to the start of the data section
   */
  public TensorInfo {
    shape = shape.clone();
  }

  /**
   * Dimensions.
   *
   * @return a copy
   */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Number of elements.
   *
   * @return the product of the dimensions
   */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
  }
}
