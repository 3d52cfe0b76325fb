package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.internal.Parallel;

/**
 * Rows {@code [from, to)} of a matrix with what the distance epilogues need per row: the squared
 * norm (accumulated in double, rounded to float), the refinement threshold share {@code REFINE *
 * |row|^2} and, for cosine, {@code 1 / |row|} (0 for a zero row). Arrays are indexed by the local
 * row {@code i}, i.e. matrix row {@code from + i}.
 */
final class Operand {
  final EmbeddingMatrix m;
  final int from;
  final int rows;
  final float[] sq;
  final float[] ref;
  final float[] inv;

  private Operand(EmbeddingMatrix m, int from, int rows, float[] sq, float[] ref, float[] inv) {
    this.m = m;
    this.from = from;
    this.rows = rows;
    this.sq = sq;
    this.ref = ref;
    this.inv = inv;
  }

  int dim() {
    return m.dim();
  }

  /** Offset of local row {@code i} in {@code m.backingArray()}. */
  int offset(int i) {
    return m.rowOffsetInt(from + i);
  }

  /**
   * Computes the per-row values in parallel. The rows are finite (the backend's check layer saw to
   * that).
   */
  static Operand of(EmbeddingMatrix m, int from, int to, float refine, ProgressListener progress) {
    int rows = to - from;
    float[] sq = new float[rows];
    float[] ref = new float[rows];
    float[] inv = new float[rows];
    int d = m.dim();
    float[] data = m.backingArray();
    int chunk = Math.max(256, (int) Math.min(1 << 20, (1L << 22) / Math.max(1, d)));
    int tiles = (rows + chunk - 1) / chunk;
    Parallel.run(
        "norms",
        tiles,
        rows,
        () -> null,
        (s, t) -> {
          int i0 = t * chunk;
          int i1 = Math.min(rows, i0 + chunk);
          for (int i = i0; i < i1; i++) {
            int o = m.rowOffsetInt(from + i);
            double acc = 0;
            for (int k = 0; k < d; k++) {
              double x = data[o + k];
              acc += x * x;
            }
            sq[i] = (float) acc;
            ref[i] = refine * sq[i];
            inv[i] = acc == 0 ? 0f : (float) (1.0 / Math.sqrt(acc));
          }
          return i1 - i0;
        },
        Parallel.silent(progress));
    return new Operand(m, from, rows, sq, ref, inv);
  }
}
