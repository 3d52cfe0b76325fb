package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;

/**
 * Rows {@code [from, to)} of a matrix with what the distance epilogues need per row, in a
 * <em>scaled domain</em>: the rows times {@code scale = 2^-exponent}, a power of two chosen from
 * the largest magnitude of both operands so that their largest entry lies in [1, 2). Multiplying by
 * a power of two is exact in binary floating point, so every float32 step of the tiled GEMM gives
 * the same bits as on the unscaled rows, scaled, whenever the unscaled arithmetic neither overflows
 * nor underflows; and it never overflows or underflows in the scaled domain, whatever the input's
 * magnitude (rows of 1e30 or of 1e-41). Distances go back by {@code 2^exponent}, also exactly.
 *
 * <p>Per row: the squared norm of the scaled row (accumulated in double from the original values,
 * rounded to float), the refinement threshold share {@code REFINE * |row'|^2}, and for cosine
 * {@code 1 / |row'|} (0 for a zero row). Arrays are indexed by the local row {@code i}, i.e. matrix
 * row {@code from + i}.
 */
final class Operand {
  final EmbeddingMatrix m;
  final int from;
  final int rows;

  /** Squared norms of the original rows, in double. */
  private final double[] norm2;

  /** Largest |entry| of the original rows. */
  private final float maxAbs;

  /** Largest |entry| of each original row. */
  private final float[] rowMax;

  /** Power-of-two exponent of the scaled domain: scaled rows are the rows times 2^-exponent. */
  final int exponent;

  /** {@code 2^-exponent} in double (as a float it could overflow or be subnormal). */
  final double scale;

  /**
   * For cosine, a power of two per row instead ({@link #scale} unused): cosine similarity does not
   * change when a row is scaled, so each row gets its own domain, and rows of very different
   * magnitudes never underflow each other's products. Null for the Euclidean domain.
   */
  final double[] rowScale;

  final float[] sq;
  final float[] ref;
  final float[] inv;

  private Operand(
      EmbeddingMatrix m,
      int from,
      int rows,
      double[] norm2,
      float maxAbs,
      float[] rowMax,
      int exponent,
      double[] rowScale,
      float[] sq,
      float[] ref,
      float[] inv) {
    this.m = m;
    this.from = from;
    this.rows = rows;
    this.norm2 = norm2;
    this.maxAbs = maxAbs;
    this.rowMax = rowMax;
    this.exponent = exponent;
    this.scale = Math.scalb(1.0, -exponent);
    this.rowScale = rowScale;
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
   * Measures the rows in parallel: squared norms in double and the largest magnitude. The result is
   * not usable by the epilogues until {@link #scaled}. The rows are finite (the backend's check
   * layer saw to that).
   */
  static Operand measure(EmbeddingMatrix m, int from, int to, ProgressListener progress) {
    int rows = to - from;
    double[] norm2 = new double[rows];
    float[] rowMax = new float[rows];
    int d = m.dim();
    float[] data = m.backingArray();
    int chunk = Math.max(256, (int) Math.min(1 << 20, (1L << 22) / Math.max(1, d)));
    int tiles = (rows + chunk - 1) / chunk;
    float[] tileMax = new float[tiles];
    Parallel.run(
        "norms",
        tiles,
        rows,
        () -> null,
        (s, t) -> {
          int i0 = t * chunk;
          int i1 = Math.min(rows, i0 + chunk);
          float max = 0;
          for (int i = i0; i < i1; i++) {
            int o = m.rowOffsetInt(from + i);
            double acc = 0;
            float rm = 0;
            for (int k = 0; k < d; k++) {
              float v = data[o + k];
              rm = Math.max(rm, Math.abs(v));
              acc += (double) v * v;
            }
            norm2[i] = acc;
            rowMax[i] = rm;
            max = Math.max(max, rm);
          }
          tileMax[t] = max;
          return i1 - i0;
        },
        Parallel.silent(progress));
    float max = 0;
    for (float t : tileMax) {
      max = Math.max(max, t);
    }
    return new Operand(m, from, rows, norm2, max, rowMax, 0, null, null, null, null);
  }

  /**
   * The exponent that brings the largest magnitude of both operands into [1, 2); 0 when both are
   * zero.
   */
  static int exponent(Operand a, Operand b) {
    float max = Math.max(a.maxAbs, b.maxAbs);
    // Through double, so that a subnormal float maximum gets its true exponent.
    return max == 0 ? 0 : Math.getExponent((double) max);
  }

  /**
   * These rows for cosine: each row in its own scaled domain (largest entry in [1, 2)), with {@code
   * inv} the inverse norm of the scaled row.
   */
  Operand scaledPerRow() {
    double[] f = new double[rows];
    float[] v = new float[rows];
    for (int i = 0; i < rows; i++) {
      int e = rowMax[i] == 0 ? 0 : Math.getExponent((double) rowMax[i]);
      f[i] = Math.scalb(1.0, -e);
      double acc = norm2[i] * f[i] * f[i];
      v[i] = acc == 0 ? 0f : (float) (1.0 / Math.sqrt(acc));
    }
    return new Operand(m, from, rows, norm2, maxAbs, rowMax, 0, f, null, null, v);
  }

  /** These rows in the scaled domain of {@code exponent}. */
  Operand scaled(int exponent, float refine) {
    float[] s = new float[rows];
    float[] r = new float[rows];
    float[] v = new float[rows];
    double scale2 = Math.scalb(1.0, -2 * exponent);
    for (int i = 0; i < rows; i++) {
      double acc = norm2[i] * scale2;
      s[i] = (float) acc;
      r[i] = refine * s[i];
      v[i] = acc == 0 ? 0f : (float) (1.0 / Math.sqrt(acc));
    }
    return new Operand(m, from, rows, norm2, maxAbs, rowMax, exponent, null, s, r, v);
  }
}
