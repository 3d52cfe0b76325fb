package io.github.embeddinggeometry.io.safetensors;

import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, opened lazily: the header is parsed and checked at once, tensor data is
 * memory-mapped (in windows of at most 2 GiB, so files of any size work on Java 17) and read only
 * when a {@link Tensor} is converted.
 *
 * <p>The header is checked as Python's {@code safetensors} does, and strictly: a length within the
 * file and under 100 MB, strict UTF-8 JSON without duplicate keys, known dtypes, non-negative
 * dimensions whose product times the dtype size does not overflow and equals the tensor's byte
 * range, and ranges that tile the data section exactly (sorted, no overlap, no gap, none beyond the
 * end). Any violation is a {@link MalformedFileException} naming the file, the tensor and the
 * numbers. The header is decoded by a streaming parser straight from the mapped file (no copy of it
 * on the heap); the index it describes may take at most 16 MiB plus the header's size of heap.
 *
 * <p>Thread-safe for reading. {@link #close()} is idempotent; tensors of a closed file throw {@link
 * IllegalStateException}.
 *
 * @since 0.1
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Largest header accepted, as in the reference implementation. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private final String source;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> tensors;
  private final ByteRegion data;
  private volatile boolean closed;

  private SafetensorsFile(
      String source,
      Map<String, String> metadata,
      Map<String, TensorInfo> tensors,
      ByteRegion data) {
    this.source = source;
    this.metadata = metadata;
    this.tensors = tensors;
    this.data = data;
  }

  /**
   * Opens and validates a file; the data is mapped, not read. The caller closes it.
   *
   * @param path the file
   * @return the opened file
   * @throws java.io.FileNotFoundException if nothing is at {@code path}
   * @throws IOException naming the path if it is not a regular file (a folder, FIFO or device)
   * @throws MalformedFileException if the file breaks the format's rules
   * @throws IOException if reading fails
   */
  public static SafetensorsFile open(Path path) throws IOException {
    RegularFiles.require(path);
    String source = path.toString();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteRegion whole = ByteRegion.map(ch, 0, size);
      return parse(source, whole);
    }
  }

  /**
   * Parses a whole file held in memory (e.g. a resource).
   *
   * @param sourceName names the bytes in error messages
   * @param bytes the file's content. Not copied: do not modify it while the file is in use.
   * @return the parsed file
   * @throws MalformedFileException if the bytes break the format's rules
   */
  public static SafetensorsFile of(String sourceName, byte[] bytes) throws MalformedFileException {
    return parse(sourceName, ByteRegion.of(bytes));
  }

  /**
   * Parses the layout of a file (8-byte length, header, data) from {@code whole}; package-internal
   * entry point for {@link #open} and the fuzz tests.
   */
  static SafetensorsFile parse(String source, ByteRegion whole) throws MalformedFileException {
    long size = whole.size();
    if (size < 8) {
      throw new MalformedFileException(
          source,
          "file of "
              + size
              + " bytes is too short for the 8-byte safetensors header length (truncated?)");
    }
    long n = whole.slice(0, 8).getLong(0);
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw new MalformedFileException(
          source,
          "header length "
              + Long.toUnsignedString(n)
              + " exceeds the cap of "
              + MAX_HEADER_BYTES
              + " bytes");
    }
    if (8 + n > size) {
      throw new MalformedFileException(
          source,
          "header length "
              + n
              + " goes beyond the end of the file of "
              + size
              + " bytes (truncated?)");
    }
    long dataLength = size - 8 - n;
    Map<String, String> meta = new LinkedHashMap<>();
    Map<String, TensorInfo> infos =
        SafetensorsHeader.parse(source, whole.sub(8, n), dataLength, meta);
    return new SafetensorsFile(
        source,
        Collections.unmodifiableMap(meta),
        Collections.unmodifiableMap(infos),
        whole.sub(8 + n, dataLength));
  }

  /**
   * The tensors of a file whose header was read elsewhere, for readers that fetch byte ranges
   * themselves (e.g. from a distributed file system); checked as {@link #open} checks them.
   *
   * @param source names the file in error messages
   * @param header the JSON header: the {@code n} bytes after the 8-byte length {@code n}
   * @param fileSize size of the whole file
   * @return the tensors ordered by offset; offsets are relative to the data section, which starts
   *     at byte {@code 8 + header.length}
   * @throws MalformedFileException as {@link #open}
   */
  public static List<TensorInfo> layout(String source, byte[] header, long fileSize)
      throws MalformedFileException {
    if (header.length > MAX_HEADER_BYTES || 8L + header.length > fileSize) {
      throw new MalformedFileException(
          source,
          "header of " + header.length + " bytes does not fit a file of " + fileSize + " bytes");
    }
    return List.copyOf(
        SafetensorsHeader.parse(
                source, ByteRegion.of(header), fileSize - 8 - header.length, new LinkedHashMap<>())
            .values());
  }

  /**
   * The file's {@code __metadata__}.
   *
   * @return the metadata (empty when absent), unmodifiable
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * All tensors, ordered by data offset.
   *
   * @return an unmodifiable list
   */
  public List<TensorInfo> tensors() {
    return List.copyOf(tensors.values());
  }

  /**
   * Whether the file holds a tensor of this name.
   *
   * @param name a tensor name
   * @return true when present
   */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The header entry of a tensor.
   *
   * @param name a tensor name
   * @return its dtype, shape and byte range
   * @throws IllegalArgumentException naming the tensor and the file when absent
   */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          source
              + " has no tensor "
              + Excerpt.quote(name)
              + "; it has "
              + Excerpt.names(tensors.keySet(), 8));
    }
    return t;
  }

  /**
   * A lazy view of a tensor's data (nothing is read until it is converted).
   *
   * @param name a tensor name
   * @return a view valid until {@link #close()}
   * @throws IllegalArgumentException naming the tensor and the file when absent
   */
  public Tensor tensor(String name) {
    checkOpen();
    TensorInfo t = info(name);
    return new RegionTensor(
        source,
        name,
        t.dtype(),
        t.shape(),
        null,
        0,
        data.sub(t.begin(), t.end() - t.begin()),
        ByteOrder.LITTLE_ENDIAN,
        () -> !closed);
  }

  /**
   * Where the file came from.
   *
   * @return the path or source name, as used in error messages
   */
  public String source() {
    return source;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(source + " is closed");
    }
  }

  /** Marks the file closed; mapped memory is released by the garbage collector (Java 17). */
  @Override
  public void close() {
    closed = true;
  }
}
