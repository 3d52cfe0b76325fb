package io.github.embeddinggeometry.io.safetensors;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.StrictJson;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes safetensors files that Python's {@code safetensors} accepts: an 8-byte little-endian
 * header length, a compact JSON header ({@code __metadata__} first, then the tensors in the order
 * given) padded with spaces to a multiple of 8 bytes, then the tensors' little-endian bytes back to
 * back, so that offsets are sorted and tile the data section.
 *
 * <p>The file is written to a temporary sibling and moved into place, so a failed write leaves no
 * half-written file under the target name.
 *
 * @since 0.1
 */
public final class SafetensorsWriter {
  private SafetensorsWriter() {}

  /**
   * Writes tensors without metadata, whole or not at all.
   *
   * @param path the file to write; replaced if it exists
   * @param tensors named by {@link Tensor#name()}, written in iteration order. Not modified.
   * @throws IllegalArgumentException on duplicate, empty or reserved names
   * @throws IOException if writing fails
   */
  public static void write(Path path, Collection<? extends Tensor> tensors) throws IOException {
    write(path, Map.of(), tensors);
  }

  /**
   * Writes tensors, named by {@link Tensor#name()}, in iteration order, whole or not at all.
   *
   * @param path the file to write; replaced if it exists
   * @param metadata string pairs for {@code __metadata__}; omitted when empty. Not modified.
   * @param tensors the tensors. Not modified.
   * @throws IllegalArgumentException on duplicate, empty or reserved names
   * @throws IOException if writing fails
   */
  public static void write(
      Path path, Map<String, String> metadata, Collection<? extends Tensor> tensors)
      throws IOException {
    byte[] header = header(metadata, tensors);
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp" + ProcessHandle.current().pid());
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      write(ch, header, tensors);
      ch.force(true); // on disk before the rename makes it visible
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Writes the file's bytes to a channel the caller owns (and closes), for callers that place the
   * file themselves, e.g. through their own temporary file, fsync and atomic rename.
   *
   * @param out receives the file's bytes; left open. Modified.
   * @param metadata string pairs for {@code __metadata__}; omitted when empty
   * @param tensors written in this order
   * @throws IllegalArgumentException on duplicate, empty or reserved names
   * @throws IOException if writing fails
   * @since 0.1
   */
  public static void write(
      WritableByteChannel out, Map<String, String> metadata, Collection<? extends Tensor> tensors)
      throws IOException {
    write(out, header(metadata, tensors), tensors);
  }

  private static void write(
      WritableByteChannel ch, byte[] header, Collection<? extends Tensor> tensors)
      throws IOException {
    ByteBuffer len =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
    writeFully(ch, len);
    writeFully(ch, ByteBuffer.wrap(header));
    for (Tensor t : tensors) {
      if (t instanceof RegionTensor) {
        ((RegionTensor) t).writeLittleEndian(ch);
      } else {
        writeFully(ch, ByteBuffer.wrap(t.toLittleEndianBytes()));
      }
    }
  }

  private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** The padded header bytes (package-visible for tests). */
  static byte[] header(Map<String, String> metadata, Collection<? extends Tensor> tensors)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Set<String> seen = new HashSet<>();
    try (JsonGenerator g = StrictJson.mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart("__metadata__");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Tensor t : tensors) {
        String name = t.name();
        if (name == null || name.isEmpty() || name.equals("__metadata__") || !seen.add(name)) {
          throw new IllegalArgumentException(
              "tensor name \"" + name + "\" is empty, reserved or used twice");
        }
        long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().bytes());
        g.writeObjectFieldStart(name);
        g.writeStringField("dtype", t.dtype().name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        g.writeNumber(offset + bytes);
        g.writeEndArray();
        g.writeEndObject();
        offset += bytes;
      }
      g.writeEndObject();
    }
    byte[] json = out.toByteArray();
    int padded = (json.length + 7) & ~7;
    byte[] h = Arrays.copyOf(json, padded);
    Arrays.fill(h, json.length, padded, (byte) ' ');
    return h;
  }

  static String headerText(Map<String, String> metadata, Collection<? extends Tensor> tensors)
      throws IOException {
    return new String(header(metadata, tensors), StandardCharsets.UTF_8);
  }
}
