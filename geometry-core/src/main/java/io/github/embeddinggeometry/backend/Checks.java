package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Objects;

/**
 * The argument rules of {@link ComputeBackend} and {@code DistanceKernel} that only this layer
 * needs; the ones other packages share (finite rows, {@code k}) are in {@code internal.Arguments}.
 */
final class Checks {
  private Checks() {}

  /** Rejects null matrices and differing row lengths. */
  static void sameDim(EmbeddingMatrix a, EmbeddingMatrix b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.dim() != b.dim()) {
      throw new IllegalArgumentException("row dimensions differ: " + a.dim() + " vs " + b.dim());
    }
  }
}
