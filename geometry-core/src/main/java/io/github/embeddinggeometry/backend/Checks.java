package io.github.embeddinggeometry.backend;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Objects;

/**
 * The argument rules of {@link ComputeBackend} and {@code DistanceKernel}, one copy for all
 * backends.
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

  /**
   * Rejects the first row of {@code [from, to)} holding NaN or infinity, naming its position, its
   * vocabulary id, the matrix ({@code what}) and what needs finite rows ({@code purpose}).
   */
  static void finiteRows(EmbeddingMatrix m, int from, int to, String what, String purpose) {
    float[] data = m.backingArray();
    int d = m.dim();
    for (int r = from; r < to; r++) {
      int o = m.rowOffsetInt(r);
      for (int c = 0; c < d; c++) {
        if (!Float.isFinite(data[o + c])) {
          throw new IllegalArgumentException(
              "row "
                  + r
                  + " (vocabulary id "
                  + m.id(r)
                  + ") of the "
                  + what
                  + " holds "
                  + data[o + c]
                  + " at column "
                  + c
                  + "; "
                  + purpose
                  + " is defined for finite rows only");
        }
      }
    }
  }

  /**
   * The k nearest neighbours need {@code 1 <= k <= candidates}, where the candidates of a query are
   * the base rows less the query itself when it is in the base (spec: k = N - 1 selects every other
   * row).
   */
  static void k(int k, int candidates, int baseRows, boolean selfExcluded) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1; got " + k);
    }
    if (k > candidates) {
      throw new IllegalArgumentException(
          "k = "
              + k
              + " is too large: each query has only "
              + candidates
              + " candidate"
              + (candidates == 1 ? "" : "s")
              + " ("
              + baseRows
              + " base row"
              + (baseRows == 1 ? "" : "s")
              + (selfExcluded ? ", itself excluded" : "")
              + "); k must be at most "
              + candidates);
    }
  }
}
