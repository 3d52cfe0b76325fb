package io.github.embeddinggeometry.backend.spi;

import io.github.embeddinggeometry.EmbeddingMatrix;

/**
 * Argument rules that several packages enforce, with one wording each, so that a caller gets the
 * same message whether a backend, the PCA or a density estimator refuses the input.
 *
 * @since 0.1
 */
public final class Arguments {
  private Arguments() {}

  /**
   * Rejects the first row of {@code [from, to)} holding NaN or infinity, naming its position, its
   * vocabulary id, the matrix ({@code what}) and what needs finite rows ({@code purpose}).
   *
   * @param m the matrix. Not modified.
   * @param from first row checked (inclusive)
   * @param to last row checked (exclusive)
   * @param what the matrix, as the message names it (e.g. "base")
   * @param purpose what needs finite rows, as the message names it
   * @throws IllegalArgumentException for the first non-finite value, scanning rows in order
   */
  public static void finiteRows(EmbeddingMatrix m, int from, int to, String what, String purpose) {
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
   * Rejects {@code k < 1}, before the number of candidates is known.
   *
   * @param k the number of neighbours asked for
   * @throws IllegalArgumentException if {@code k < 1}
   */
  public static void positiveK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1; got " + k);
    }
  }

  /**
   * The k nearest neighbours need {@code 1 <= k <= candidates}, where the candidates of a query are
   * the base rows less the query itself when it is in the base: {@code k = N - 1} selects every
   * other row.
   *
   * @param k the number of neighbours asked for
   * @param candidates candidates of each query
   * @param baseRows rows of the base
   * @param selfExcluded whether each query is itself a base row, excluded
   * @throws IllegalArgumentException if k is outside that range
   */
  public static void k(int k, int candidates, int baseRows, boolean selfExcluded) {
    positiveK(k);
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
