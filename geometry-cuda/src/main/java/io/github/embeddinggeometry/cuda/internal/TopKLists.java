package io.github.embeddinggeometry.cuda.internal;

/** Host side of the k-NN: turns the device's per-row candidate lists into the final k. */
final class TopKLists {
  private TopKLists() {}

  /**
   * For each of {@code rows} rows, the k best of its {@code kc} candidates by (distance, index),
   * written to {@code dist/idx[outOff + row * k ..]}. Index -1 marks an empty slot and sorts last.
   *
   * @param val Not modified. @param ind Not modified.
   */
  static void select(
      float[] val, int[] ind, int rows, int kc, int k, float[] dist, int[] idx, int outOff) {
    if (kc < k) {
      throw new IllegalArgumentException(kc + " candidates cannot give k = " + k);
    }
    Integer[] order = new Integer[kc];
    for (int r = 0; r < rows; r++) {
      int base = r * kc;
      if (kc == k) {
        // The device list is already in order.
        System.arraycopy(val, base, dist, outOff + r * k, k);
        System.arraycopy(ind, base, idx, outOff + r * k, k);
        continue;
      }
      for (int j = 0; j < kc; j++) {
        order[j] = base + j;
      }
      java.util.Arrays.sort(
          order,
          (x, y) ->
              before(val[x], ind[x], val[y], ind[y])
                  ? -1
                  : before(val[y], ind[y], val[x], ind[x]) ? 1 : 0);
      for (int j = 0; j < k; j++) {
        dist[outOff + r * k + j] = val[order[j]];
        idx[outOff + r * k + j] = ind[order[j]];
      }
    }
  }

  /** The device's order: smaller distance first, then lower index, empty slots (-1) last. */
  static boolean before(float v, int i, float w, int j) {
    if (i < 0 || j < 0) {
      return i >= 0 && j < 0;
    }
    if (v != w) {
      return v < w;
    }
    return i < j;
  }
}
