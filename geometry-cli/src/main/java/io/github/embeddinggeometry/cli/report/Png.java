package io.github.embeddinggeometry.cli.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG encoder for rendered figures: 8-bit RGB, every row filtered with "Sub", compressed by the
 * JDK's zlib.
 *
 * <p>Why not ImageIO: its PNG writer is one very large method that the JIT compiles several times
 * over, which cost about 2 s of CPU in a six-figure {@code geometry all} run on 2 cores, and it
 * buffers in a temporary file outside the output folder unless told not to. The work here is a
 * short loop per pixel; zlib is native.
 */
final class Png {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** PNG filter type 1: each byte minus the same channel of the pixel to its left. */
  private static final int FILTER_SUB = 1;

  private Png() {}

  /**
   * Encodes an opaque image (a figure's background is opaque; alpha is dropped).
   *
   * @param image any type; pixels are read as sRGB
   * @return the whole file
   */
  static byte[] encode(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = new int[w];
    byte[] row = new byte[1 + 3 * w];
    Deflater z = new Deflater(Deflater.DEFAULT_COMPRESSION);
    ByteArrayOutputStream idat = new ByteArrayOutputStream(1 << 16);
    byte[] buf = new byte[1 << 16];
    try {
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, argb, 0, w);
        row[0] = FILTER_SUB;
        int left = 0;
        for (int x = 0, o = 1; x < w; x++, o += 3) {
          int p = argb[x];
          row[o] = (byte) ((p >>> 16) - (left >>> 16));
          row[o + 1] = (byte) ((p >>> 8) - (left >>> 8));
          row[o + 2] = (byte) (p - left);
          left = p;
        }
        z.setInput(row);
        while (!z.needsInput()) {
          idat.write(buf, 0, z.deflate(buf));
        }
      }
      z.finish();
      while (!z.finished()) {
        idat.write(buf, 0, z.deflate(buf));
      }
    } finally {
      z.end();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, w);
    putInt(ihdr, 4, h);
    ihdr[8] = 8; // bits per channel
    ihdr[9] = 2; // colour type: RGB
    // compression 0 (deflate), filter method 0 (adaptive set), interlace 0 (none)
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", idat.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] head = new byte[8];
    putInt(head, 0, data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, head, 4, 4);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] tail = new byte[4];
    putInt(tail, 0, (int) crc.getValue());
    out.write(head, 0, 8);
    out.writeBytes(data);
    out.writeBytes(tail);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
