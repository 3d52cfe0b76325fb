package io.github.embeddinggeometry.spark;

import java.io.Serializable;

/**
 * Candidate lists of the rows of one block, the same number per row, each sorted by (distance,
 * vocabulary id); merging two keeps the best {@code k} of their union. Distinct ids and a total
 * order make the merge commutative and associative, so any reduce order gives the same lists.
 *
 * <p><b>On the wire</b> ({@link Packed}): ids take the fewest whole bytes that hold the largest id
 * of the record ({@link #idBytes}: 2 for a vocabulary under 65,536), distances their 4 float bytes.
 * With 4-byte ids, Spark's shuffle compression found the zero high bytes and wrote about 12% less
 * than the planner counted; narrowed, the record is smaller and nothing is left for LZ4 to find, so
 * {@link Planner} can count the bytes exactly.
 */
final class TopLists implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bytes of a {@link Packed} record before its ids: block, start, k, rows, id width. */
  static final int HEADER_BYTES = 17;

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

  /**
   * Bytes of a {@link Packed} record of {@code rows} rows, {@code k} per row, {@code w}-byte ids.
   */
  static long packedBytes(long rows, long k, int w) {
    return HEADER_BYTES + rows * ((w + 4) * k + w);
  }

  /** Bytes per id for ids in {@code [0, max]}: 1 to 3, or 4 (also for any negative id). */
  static int idBytes(long max) {
    if (max < 0 || max > 0xFFFFFF) {
      return 4;
    }
    return max > 0xFFFF ? 3 : max > 0xFF ? 2 : 1;
  }

  private Object writeReplace() {
    return new Packed(pack());
  }

  /** The packed record (see the class comment); Java serialization and Kryo both write it. */
  byte[] pack() {
    long max = 0; // a negative id counts as the largest: it needs all 4 bytes
    for (int v : rowIds) {
      max = Math.max(max, v < 0 ? Long.MAX_VALUE : v);
    }
    for (int v : ids) {
      max = Math.max(max, v < 0 ? Long.MAX_VALUE : v);
    }
    int w = idBytes(max);
    int rows = rowIds.length;
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(Math.toIntExact(packedBytes(rows, k, w)))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(block).putInt(start).putInt(k).putInt(rows).put((byte) w);
    for (int v : rowIds) {
      putId(b, v, w);
    }
    for (int v : ids) {
      putId(b, v, w);
    }
    for (float f : dist) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static void putId(java.nio.ByteBuffer b, int v, int w) {
    for (int i = 0; i < w; i++) {
      b.put((byte) (v >>> (8 * i)));
    }
  }

  private static int getId(java.nio.ByteBuffer b, int w) {
    int v = 0;
    for (int i = 0; i < w; i++) {
      v |= (b.get() & 0xFF) << (8 * i);
    }
    return v;
  }

  /** The serialized form: one byte array (see the class comment). */
  static final class Packed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    Packed(byte[] bytes) {
      this.bytes = bytes;
    }

    private Object readResolve() throws java.io.ObjectStreamException {
      try {
        return unpack(bytes);
      } catch (RuntimeException e) {
        java.io.InvalidObjectException x =
            new java.io.InvalidObjectException("corrupt candidate lists: " + e.getMessage());
        x.initCause(e);
        throw x;
      }
    }
  }

  /** The lists of a {@link #pack() packed} record. */
  static TopLists unpack(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int block = b.getInt();
    int start = b.getInt();
    int k = b.getInt();
    int rows = b.getInt();
    int w = b.get();
    if (rows < 0 || k < 0 || w < 1 || w > 4) {
      throw new IllegalStateException("rows " + rows + ", k " + k + ", id bytes " + w);
    }
    long n = (long) rows * k;
    if (packedBytes(rows, k, w) != bytes.length) {
      throw new IllegalStateException(bytes.length + " bytes for " + rows + " x " + k);
    }
    int[] rowIds = new int[rows];
    for (int i = 0; i < rows; i++) {
      rowIds[i] = getId(b, w);
    }
    int[] ids = new int[(int) n];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = getId(b, w);
    }
    float[] dist = new float[(int) n];
    for (int i = 0; i < dist.length; i++) {
      dist[i] = b.getFloat();
    }
    return new TopLists(block, start, rowIds, k, ids, dist);
  }

  NeighbourBlock complete(int kWanted) {
    if (k != kWanted) {
      throw new IllegalStateException(
          "block " + block + " has " + k + " candidates per row, not k = " + kWanted);
    }
    return new NeighbourBlock(block, start, rowIds, k, ids, dist);
  }
}
