package io.github.embeddinggeometry.io.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A read-only byte range addressed by long offsets: a heap array or a file mapped in windows.
 *
 * <p>Java 17 maps at most 2 GiB per buffer, so a large file is mapped as windows that start every
 * {@code step} bytes and overlap by {@code overlap} bytes. Any access of at most {@code overlap}
 * bytes then lies inside one window, with no splitting at window edges; longer reads are done in
 * pieces. Buffers are never unmapped explicitly (not possible on Java 17 without Unsafe); they go
 * with the garbage collector.
 */
public final class ByteRegion {
  /** Default distance between window starts: 1 GiB. */
  public static final long DEFAULT_STEP = 1L << 30;

  /** Default window overlap, and so the largest single access: 1 MiB. */
  public static final int DEFAULT_OVERLAP = 1 << 20;

  private final ByteBuffer[] windows;
  private final long step;
  private final int overlap;

  /** Offset of this region's byte 0 in the windows' address space (a sub-region's start). */
  private final long base;

  private final long size;

  private ByteRegion(ByteBuffer[] windows, long step, int overlap, long base, long size) {
    this.windows = windows;
    this.step = step;
    this.overlap = overlap;
    this.base = base;
    this.size = size;
  }

  /** A region over a heap array (not copied). */
  public static ByteRegion of(byte[] bytes) {
    return of(ByteBuffer.wrap(bytes));
  }

  /** A region over a buffer's remaining bytes (not copied). */
  public static ByteRegion of(ByteBuffer buffer) {
    ByteBuffer b = buffer.slice();
    return new ByteRegion(
        new ByteBuffer[] {b}, Long.MAX_VALUE / 2, Integer.MAX_VALUE, 0, b.remaining());
  }

  /** Maps {@code [pos, pos + length)} of a file read-only in default windows. */
  public static ByteRegion map(FileChannel ch, long pos, long length) throws IOException {
    return map(ch, pos, length, DEFAULT_STEP, DEFAULT_OVERLAP);
  }

  /**
   * Maps {@code [pos, pos + length)} of a file read-only, windows starting every {@code step} bytes
   * and overlapping by {@code overlap} (tests use small windows to exercise the edges).
   */
  public static ByteRegion map(FileChannel ch, long pos, long length, long step, int overlap)
      throws IOException {
    if (step <= 0 || overlap <= 0 || step + overlap > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "bad window layout: step " + step + ", overlap " + overlap);
    }
    int count = length == 0 ? 1 : (int) ((length + step - 1) / step);
    ByteBuffer[] w = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      long start = i * step;
      long len = Math.min(length - start, step + overlap);
      w[i] =
          len <= 0
              ? ByteBuffer.allocate(0)
              : ch.map(FileChannel.MapMode.READ_ONLY, pos + start, len);
    }
    return new ByteRegion(w, step, overlap, 0, length);
  }

  /** Number of bytes. */
  public long size() {
    return size;
  }

  /** The largest length {@link #slice} accepts. */
  public int maxSlice() {
    return windows.length == 1 ? (int) Math.min(size, Integer.MAX_VALUE) : overlap;
  }

  /**
   * A little-endian view of {@code [pos, pos + len)}; {@code len <= }{@link #maxSlice()}.
   *
   * @throws IndexOutOfBoundsException if the range leaves the region
   */
  public ByteBuffer slice(long pos, int len) {
    Objects.checkFromIndexSize(pos, len, size);
    long abs = base + pos;
    int w = windows.length == 1 ? 0 : (int) (abs / step);
    long inWindow = abs - w * step;
    if (windows.length > 1 && len > overlap) {
      throw new IllegalArgumentException(
          "slice of " + len + " bytes exceeds window overlap " + overlap);
    }
    ByteBuffer b = windows[w].duplicate();
    b.position((int) inWindow).limit((int) inWindow + len);
    return b.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A sub-region {@code [pos, pos + len)}, sharing the mapping. */
  public ByteRegion sub(long pos, long len) {
    Objects.checkFromIndexSize(pos, len, size);
    return new ByteRegion(windows, step, overlap, base + pos, len);
  }

  /** Copies {@code len} bytes from {@code pos} into {@code dst[off..]}. */
  public void get(long pos, byte[] dst, int off, int len) {
    Objects.checkFromIndexSize(pos, len, size);
    int max = maxSlice();
    while (len > 0) {
      int n = Math.min(len, max);
      slice(pos, n).get(dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** The bytes as a stream, read through the mapping without copying the region first. */
  public java.io.InputStream stream() {
    return new java.io.InputStream() {
      private long pos;

      @Override
      public int read() {
        return pos < size ? get(pos++) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (pos >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - pos);
        get(pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /** One byte. */
  public byte get(long pos) {
    return slice(pos, 1).get(0);
  }
}
