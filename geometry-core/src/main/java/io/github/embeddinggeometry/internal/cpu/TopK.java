package io.github.embeddinggeometry.internal.cpu;

/**
 * Bounded top-k selection for a set of rows: one max-heap of size k per row, ordered by (key,
 * index), so the root is the current k-th best and, on equal keys, the higher index is evicted
 * first. The result is the k smallest candidates under that total order, whatever order they are
 * offered in: ties are broken by the lower index.
 */
final class TopK {
  private final int k;
  private final float[] keys;
  private final int[] idx;
  private final int[] count;
  private final float[] bound;
  private final double boundScale;

  /**
   * @param boundScale the power of two that takes a distance to the caller's scaled domain: {@link
   *     #bound} is a squared value in that domain (see Operand)
   */
  TopK(int rows, int k, double boundScale) {
    this.k = k;
    this.boundScale = boundScale;
    this.keys = new float[rows * k];
    this.idx = new int[rows * k];
    this.count = new int[rows];
    this.bound = new float[rows];
  }

  /** Empties the first {@code rows} heaps. */
  void reset(int rows) {
    for (int i = 0; i < rows; i++) {
      count[i] = 0;
      bound[i] = Float.POSITIVE_INFINITY;
    }
  }

  /** The key of the k-th best so far, or +infinity while fewer than k are held. */
  float worst(int row) {
    return count[row] < k ? Float.POSITIVE_INFINITY : keys[row * k];
  }

  /**
   * A bound in the scaled squared domain: a candidate whose scaled squared value {@code v >
   * bound(row)} has {@code 2^e (float) sqrt(v) > worst(row)} and cannot enter. +infinity while
   * fewer than k are held (so that even an overflowed {@code v = +inf} is offered then).
   */
  float bound(int row) {
    return bound[row];
  }

  /** Every row's {@link #bound}, live (it changes as candidates enter): for vector scans. */
  float[] bounds() {
    return bound;
  }

  /**
   * Offers a candidate (each index at most once per row).
   *
   * @return true when the heap changed
   */
  boolean offer(int row, float key, int index) {
    int base = row * k;
    int n = count[row];
    if (n < k) {
      // sift up
      int pos = n;
      while (pos > 0) {
        int parent = (pos - 1) >>> 1;
        if (!greater(key, index, keys[base + parent], idx[base + parent])) {
          break;
        }
        keys[base + pos] = keys[base + parent];
        idx[base + pos] = idx[base + parent];
        pos = parent;
      }
      keys[base + pos] = key;
      idx[base + pos] = index;
      count[row] = n + 1;
      if (n + 1 == k) {
        updateBound(row);
      }
      return true;
    }
    if (!greater(keys[base], idx[base], key, index)) {
      return false;
    }
    siftDown(base, k, key, index);
    updateBound(row);
    return true;
  }

  private void siftDown(int base, int size, float key, int index) {
    int pos = 0;
    while (true) {
      int l = 2 * pos + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int big = l;
      if (r < size && greater(keys[base + r], idx[base + r], keys[base + l], idx[base + l])) {
        big = r;
      }
      if (!greater(keys[base + big], idx[base + big], key, index)) {
        break;
      }
      keys[base + pos] = keys[base + big];
      idx[base + pos] = idx[base + big];
      pos = big;
    }
    keys[base + pos] = key;
    idx[base + pos] = index;
  }

  private void updateBound(int row) {
    float worst = keys[row * k];
    if (worst == Float.POSITIVE_INFINITY) {
      bound[row] = Float.POSITIVE_INFINITY;
      return;
    }
    double t = Math.nextUp(worst) * boundScale;
    bound[row] = Math.nextUp((float) (t * t));
  }

  private static boolean greater(float ka, int ia, float kb, int ib) {
    return ka > kb || (ka == kb && ia > ib);
  }

  /**
   * Writes rows {@code [0, rows)} sorted ascending by (key, index) to {@code outIdx/outKey} at row
   * {@code firstRow + i}, k entries each. Destroys the heaps.
   */
  void drain(int rows, int firstRow, int[] outIdx, float[] outKey) {
    for (int i = 0; i < rows; i++) {
      int base = i * k;
      int n = count[i];
      if (n != k) {
        throw new IllegalStateException("row " + (firstRow + i) + " has " + n + " < k candidates");
      }
      // heap sort: repeatedly move the max to the end
      int out = (firstRow + i) * k;
      for (int size = k; size > 0; size--) {
        float topKey = keys[base];
        int topIdx = idx[base];
        outKey[out + size - 1] = topKey;
        outIdx[out + size - 1] = topIdx;
        if (size > 1) {
          siftDown(base, size - 1, keys[base + size - 1], idx[base + size - 1]);
        }
      }
    }
  }
}
