package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import java.util.concurrent.atomic.AtomicInteger;

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
   * Computes the per-row values in parallel.
   *
   * @param what names the matrix in error messages, e.g. "queries"
   * @throws IllegalArgumentException naming the first row holding NaN or infinity
   */
  static Operand of(EmbeddingMatrix m, int from, int to, float refine, String what,
      ProgressListener progress) {
    int rows = to - from;
    float[] sq = new float[rows];
    float[] ref = new float[rows];
    float[] inv = new float[rows];
    int d = m.dim();
    float[] data = m.backingArray();
    AtomicInteger firstBad = new AtomicInteger(Integer.MAX_VALUE);
    int chunk = Math.max(256, (int) Math.min(1 << 20, (1L << 22) / Math.max(1, d)));
    int tiles = (rows + chunk - 1) / chunk;
    Parallel.run("norms", tiles, rows, () -> null, (s, t) -> {
      int i0 = t * chunk;
      int i1 = Math.min(rows, i0 + chunk);
      for (int i = i0; i < i1; i++) {
        int o = m.rowOffsetInt(from + i);
        double acc = 0;
        for (int k = 0; k < d; k++) {
          double x = data[o + k];
          acc += x * x;
        }
        if (!Double.isFinite(acc)) {
          int row = from + i;
          firstBad.accumulateAndGet(row, Math::min);
          break;
        }
        sq[i] = (float) acc;
        ref[i] = refine * sq[i];
        inv[i] = acc == 0 ? 0f : (float) (1.0 / Math.sqrt(acc));
      }
      return i1 - i0;
    }, Parallel.silent(progress));
    int bad = firstBad.get();
    if (bad != Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "row " + bad + " (vocabulary id " + m.id(bad) + ") of the " + what
              + " holds NaN or infinity; distances are defined for finite rows only");
    }
    return new Operand(m, from, rows, sq, ref, inv);
  }
}
