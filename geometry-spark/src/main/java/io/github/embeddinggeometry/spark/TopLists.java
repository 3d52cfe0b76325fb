package io.github.embeddinggeometry.spark;

import java.io.Serializable;

/**
 * Candidate lists of the rows of one block, the same number per row, each sorted by (distance,
 * vocabulary id); merging two keeps the best {@code k} of their union. Distinct ids and a total
 * order make the merge commutative and associative, so any reduce order gives the same lists.
 */
final class TopLists implements Serializable {
  private static final long serialVersionUID = 1L;

  final int block;
  final int start;
  final int[] rowIds;
  final int k;
  final int[] ids;
  final float[] dist;

  TopLists(int block, int start, int[] rowIds, int k, int[] ids, float[] dist) {
    this.block = block;
    this.start = start;
    this.rowIds = rowIds;
    this.k = k;
    this.ids = ids;
    this.dist = dist;
  }

  /** The best {@code kMax} of both per row. */
  static TopLists merge(TopLists a, TopLists b, int kMax) {
    if (a.block != b.block || a.rowIds.length != b.rowIds.length) {
      throw new IllegalStateException("lists of blocks " + a.block + " and " + b.block);
    }
    int rows = a.rowIds.length;
    int kk = Math.min(kMax, a.k + b.k);
    int[] ids = new int[rows * kk];
    float[] dist = new float[rows * kk];
    for (int r = 0; r < rows; r++) {
      int i = r * a.k;
      int iEnd = i + a.k;
      int j = r * b.k;
      int jEnd = j + b.k;
      for (int o = r * kk, oEnd = o + kk; o < oEnd; o++) {
        boolean takeA =
            j >= jEnd
                || (i < iEnd
                    && (a.dist[i] < b.dist[j] || (a.dist[i] == b.dist[j] && a.ids[i] < b.ids[j])));
        if (takeA) {
          ids[o] = a.ids[i];
          dist[o] = a.dist[i++];
        } else {
          ids[o] = b.ids[j];
          dist[o] = b.dist[j++];
        }
      }
    }
    return new TopLists(a.block, a.start, a.rowIds, kk, ids, dist);
  }

  NeighbourBlock complete(int kWanted) {
    if (k != kWanted) {
      throw new IllegalStateException(
          "block " + block + " has " + k + " candidates per row, not k = " + kWanted);
    }
    return new NeighbourBlock(block, start, rowIds, k, ids, dist);
  }
}
