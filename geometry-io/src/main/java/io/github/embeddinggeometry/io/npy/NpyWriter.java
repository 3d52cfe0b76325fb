package io.github.embeddinggeometry.io.npy;

import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes {@code .npy} files as {@code numpy.save} does: little endian, C order, version 1.0 (2.0
 * when the header would exceed 65,535 bytes), header padded with spaces and a newline so that the
 * data starts at a multiple of 64 bytes.
 *
 * @since 0.1
 */
public final class NpyWriter {
  private NpyWriter() {}

  /**
   * Writes one tensor, whole or not at all (temporary file, then rename).
   *
   * @param path the file to write; replaced if it exists
   * @param tensor the array. Not modified.
   * @throws IllegalArgumentException for dtypes NumPy lacks (BF16, F8)
   * @throws IOException if writing fails
   */
  public static void write(Path path, Tensor tensor) throws IOException {
    byte[] prefix = header(tensor.dtype(), tensor.shape());
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp" + ProcessHandle.current().pid());
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(prefix);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      if (tensor instanceof RegionTensor) {
        ((RegionTensor) tensor).writeLittleEndian(ch);
      } else {
        ByteBuffer d = ByteBuffer.wrap(tensor.toLittleEndianBytes());
        while (d.hasRemaining()) {
          ch.write(d);
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Magic, version, length and padded header (package-visible for tests). */
  static byte[] header(DType dtype, long[] shape) {
    StringBuilder dict =
        new StringBuilder("{'descr': '")
            .append(descr(dtype))
            .append("', 'fortran_order': False, 'shape': (");
    for (long d : shape) {
      dict.append(d).append(", ");
    }
    if (shape.length > 0) {
      dict.setLength(dict.length() - 2);
      if (shape.length == 1) {
        dict.append(',');
      }
    }
    dict.append("), }");
    byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
    boolean v2 = text.length + 1 + 10 > 65535;
    int prefix = v2 ? 12 : 10;
    int total = (prefix + text.length + 1 + 63) / 64 * 64;
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
    b.put((byte) (v2 ? 2 : 1)).put((byte) 0);
    int hlen = total - prefix;
    if (v2) {
      b.putInt(hlen);
    } else {
      b.putShort((short) hlen);
    }
    b.put(text);
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  private static String descr(DType t) {
    switch (t) {
      case F16:
        return "<f2";
      case F32:
        return "<f4";
      case F64:
        return "<f8";
      case I8:
        return "|i1";
      case I16:
        return "<i2";
      case I32:
        return "<i4";
      case I64:
        return "<i8";
      case U8:
        return "|u1";
      case U16:
        return "<u2";
      case U32:
        return "<u4";
      case U64:
        return "<u8";
      case BOOL:
        return "|b1";
      default:
        throw new IllegalArgumentException(".npy has no dtype for " + t + "; convert to F32 first");
    }
  }
}
