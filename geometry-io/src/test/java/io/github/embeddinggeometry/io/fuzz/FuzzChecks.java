package io.github.embeddinggeometry.io.fuzz;

import io.github.embeddinggeometry.io.tensor.Tensor;

/** What every fuzz target does with a tensor a reader accepted: read all of it. */
final class FuzzChecks {
  private FuzzChecks() {}

  static void readAll(Tensor t) {
    long n = t.numel();
    if (n > 1 << 20) {
      return; // a valid header can describe a big tensor only if the input holds its bytes
    }
    t.toFloatArray();
    t.toDoubleArray();
    t.toLittleEndianBytes();
    if (!t.dtype().isFloatingPoint()) {
      t.toLongArray();
    }
    // Other shapes are a documented IllegalStateException.
    if (t.rank() == 2 && t.shape()[1] > 0 && t.shape()[1] <= Integer.MAX_VALUE) {
      t.toEmbeddingMatrix();
    }
  }
}
