package io.github.embeddinggeometry.io.onnx;

import io.github.embeddinggeometry.io.tensor.DType;
import java.util.Arrays;

/**
 * One initializer (a constant tensor, e.g. a weight matrix) of an ONNX graph.
 *
 * @param name initializer name, e.g. {@code embeddings.word_embeddings.weight}
 * @param dtype element type
 * @param dims dimensions (a copy is returned)
 * @param external true when the data lives in an external file
 * @since 0.1
 */
public record OnnxInitializer(String name, DType dtype, long[] dims, boolean external) {
  /**
   * Copies the dims.
   *
   * @param name initializer name
   * @param dtype element type
   * @param dims dimensions. Not modified (copied).
   * @param external true when the data lives in an external file
   */
  public OnnxInitializer {
    dims = dims.clone();
  }

  /**
   * Dimensions.
   *
   * @return a copy
   */
  @Override
  public long[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxInitializer t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(dims, t.dims)
        && external == t.external;
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + Arrays.toString(dims) + (external ? " (external)" : "");
  }
}
