package io.github.embeddinggeometry.io.internal;

import io.github.embeddinggeometry.io.tensor.MalformedFileException;

/**
 * The heap an index read from a file may keep (names, maps, shapes), estimated as it is built: at
 * most {@value #BASE_BYTES} bytes plus one byte per byte of the text it comes from. A file of tiny
 * entries ({@code "a":"",} is seven bytes, its map entry and strings over a hundred) would
 * otherwise cost many times its size.
 */
public final class HeapBudget {
  /** Heap any index may take, on top of one byte per byte of its text. */
  public static final long BASE_BYTES = 16L << 20;

  /** Estimated heap of one map entry with its table slot (compressed references). */
  public static final long MAP_ENTRY_BYTES = 48;

  private final String source;
  private final String what;
  private final long textBytes;
  private final long limit;
  private long used;

  /**
   * @param what the index, for the message ("safetensors header", "shard index")
   * @param textBytes size of the text the index is read from
   */
  public HeapBudget(String source, String what, long textBytes) {
    this.source = source;
    this.what = what;
    this.textBytes = textBytes;
    this.limit = BASE_BYTES + textBytes;
  }

  /** Counts {@code bytes} more. */
  public void charge(long bytes) throws MalformedFileException {
    used += bytes;
    if (used > limit) {
      throw new MalformedFileException(
          source,
          what
              + " describes more entries than its size allows: they would take more than "
              + limit
              + " bytes of heap (the limit is "
              + BASE_BYTES
              + " + one per byte of its "
              + textBytes
              + ")");
    }
  }

  /** Heap of a String: its object and array, one byte a character while all fit Latin-1. */
  public static long stringBytes(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xff) {
        return 40 + 2L * s.length();
      }
    }
    return 40 + s.length();
  }
}
