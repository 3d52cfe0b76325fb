package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.stream.IntStream;

/**
 * Direct recomputation of k-NN candidates on the host, for tensor-core mode when the base rows are
 * streamed and so cannot be gathered on the device. Same formulas as the device's refinement.
 */
final class HostRefine {
  private HostRefine() {}

  /**
   * Replaces each candidate distance of query rows {@code [q0, q0 + rows)} by its direct value.
   *
   * @param idx Not modified: {@code rows x kc} base rows, -1 for empty
   * @param val Modified: matching distances; +inf (an excluded self pair) is kept
   */
  static void refine(EmbeddingMatrix queries, int q0, int rows, EmbeddingMatrix base, int[] idx,
      float[] val, int kc, boolean cosine) {
    float[] qa = queries.backingArray();
    float[] ba = base.backingArray();
    int d = queries.dim();
    IntStream.range(0, rows * kc).parallel().forEach(t -> {
      int c = idx[t];
      if (c < 0 || Float.isInfinite(val[t])) {
        return;
      }
      int qo = queries.rowOffsetInt(q0 + t / kc);
      int bo = base.rowOffsetInt(c);
      val[t] = cosine ? cosine(qa, qo, ba, bo, d) : (float) Math.sqrt(squared(qa, qo, ba, bo, d));
    });
  }

  static double squared(float[] x, int xo, float[] y, int yo, int d) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      double t = (double) x[xo + i] - (double) y[yo + i];
      s += t * t;
    }
    return s;
  }

  static float cosine(float[] x, int xo, float[] y, int yo, int d) {
    double dot = 0;
    double nx = 0;
    double ny = 0;
    boolean equal = true;
    for (int i = 0; i < d; i++) {
      float p = x[xo + i];
      float q = y[yo + i];
      equal &= Float.floatToRawIntBits(p) == Float.floatToRawIntBits(q);
      dot += (double) p * q;
      nx += (double) p * p;
      ny += (double) q * q;
    }
    if (nx == 0 || ny == 0) {
      return 1f;
    }
    if (equal) {
      return 0f;
    }
    double sim = Math.min(1.0, Math.max(-1.0, dot / (Math.sqrt(nx) * Math.sqrt(ny))));
    return (float) (1.0 - sim);
  }
}
