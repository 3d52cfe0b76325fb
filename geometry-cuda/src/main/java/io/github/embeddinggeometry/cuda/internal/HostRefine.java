package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Exact;
import io.github.embeddinggeometry.backend.spi.Parallel;

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
  static void refine(
      EmbeddingMatrix queries,
      int q0,
      int rows,
      EmbeddingMatrix base,
      int[] idx,
      float[] val,
      int kc,
      boolean cosine) {
    float[] qa = queries.backingArray();
    float[] ba = base.backingArray();
    int d = queries.dim();
    Parallel.run(
        "refine",
        rows,
        rows,
        () -> null,
        (state, q) -> {
          for (int t = q * kc; t < (q + 1) * kc; t++) {
            int c = idx[t];
            if (c < 0 || Float.isInfinite(val[t])) {
              continue;
            }
            int qo = queries.rowOffsetInt(q0 + q);
            int bo = base.rowOffsetInt(c);
            val[t] =
                cosine
                    ? Exact.cosineDistance(qa, qo, ba, bo, d)
                    : (float) Math.sqrt(Exact.squaredDistance(qa, qo, ba, bo, d));
          }
          return 1;
        },
        ProgressListener.NONE);
  }
}
