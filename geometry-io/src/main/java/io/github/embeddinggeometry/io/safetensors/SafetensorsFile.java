package io.github.embeddinggeometry.io.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.StrictJson;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
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
 * numbers.
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
   * Opens and validates a file; the data is mapped, not read.
   *
   * @throws MalformedFileException if the file breaks the format's rules
   */
  public static SafetensorsFile open(Path path) throws IOException {
    String source = path.toString();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteRegion whole = ByteRegion.map(ch, 0, size);
      return parse(source, whole);
    }
  }

  /** Parses a whole file held in memory (e.g. a resource); {@code bytes} is not copied. */
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
    byte[] header = new byte[(int) n];
    whole.get(8, header, 0, (int) n);
    long dataLength = size - 8 - n;
    Map<String, String> meta = new LinkedHashMap<>();
    Map<String, TensorInfo> infos = parseHeader(source, header, dataLength, meta);
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
        parseHeader(source, header, fileSize - 8 - header.length, new LinkedHashMap<>()).values());
  }

  /**
   * Validates a header against a data section of {@code dataLength} bytes.
   *
   * @param metaOut receives {@code __metadata__}. Modified.
   * @return tensors sorted by offset
   */
  static Map<String, TensorInfo> parseHeader(
      String source, byte[] header, long dataLength, Map<String, String> metaOut)
      throws MalformedFileException {
    JsonNode root = StrictJson.parse(source, "safetensors header", header);
    if (!root.isObject()) {
      throw new MalformedFileException(source, "safetensors header is not a JSON object");
    }
    List<TensorInfo> list = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new MalformedFileException(source, "__metadata__ is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> me = m.next();
          if (!me.getValue().isTextual()) {
            throw new MalformedFileException(
                source, "__metadata__ value of \"" + me.getKey() + "\" is not a string");
          }
          metaOut.put(me.getKey(), me.getValue().textValue());
        }
        continue;
      }
      list.add(parseEntry(source, name, v));
    }
    list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : list) {
      if (t.end() > dataLength) {
        throw new MalformedFileException(
            source,
            "tensor \""
                + t.name()
                + "\" ends at byte "
                + t.end()
                + ", beyond the data section of "
                + dataLength
                + " bytes (truncated?)");
      }
      if (t.begin() < expected) {
        throw new MalformedFileException(
            source,
            "tensor \""
                + t.name()
                + "\" at bytes ["
                + t.begin()
                + ", "
                + t.end()
                + ") overlaps tensor \""
                + previous.name()
                + "\" ending at "
                + expected);
      }
      if (t.begin() > expected) {
        throw new MalformedFileException(
            source,
            "tensor \""
                + t.name()
                + "\" starts at byte "
                + t.begin()
                + " but the data before it ends at "
                + expected
                + " (gap; offsets must tile the data section)");
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataLength) {
      throw new MalformedFileException(
          source, "tensors cover " + expected + " bytes but the data section holds " + dataLength);
    }
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (TensorInfo t : list) {
      out.put(t.name(), t);
    }
    return out;
  }

  private static TensorInfo parseEntry(String source, String name, JsonNode v)
      throws MalformedFileException {
    String where = "tensor \"" + name + "\"";
    if (!v.isObject()) {
      throw new MalformedFileException(source, where + " is not a JSON object");
    }
    JsonNode dt = v.get("dtype");
    JsonNode sh = v.get("shape");
    JsonNode off = v.get("data_offsets");
    if (dt == null || !dt.isTextual()) {
      throw new MalformedFileException(source, where + " has no string \"dtype\"");
    }
    DType dtype;
    try {
      dtype = DType.fromSafetensorsName(dt.textValue());
    } catch (IllegalArgumentException e) {
      throw new MalformedFileException(source, where + ": " + e.getMessage());
    }
    if (sh == null || !sh.isArray()) {
      throw new MalformedFileException(source, where + " has no \"shape\" array");
    }
    long[] shape = new long[sh.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = nonNegativeLong(source, where + " shape[" + i + "]", sh.get(i));
      try {
        numel = Math.multiplyExact(numel, shape[i]);
      } catch (ArithmeticException e) {
        throw new MalformedFileException(source, where + " shape " + sh + " overflows 64 bits");
      }
    }
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new MalformedFileException(source, where + " has no \"data_offsets\" [begin, end]");
    }
    long begin = nonNegativeLong(source, where + " data_offsets[0]", off.get(0));
    long end = nonNegativeLong(source, where + " data_offsets[1]", off.get(1));
    if (end < begin) {
      throw new MalformedFileException(
          source, where + " has data_offsets out of order: begin " + begin + " > end " + end);
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(numel, (long) dtype.bytes());
    } catch (ArithmeticException e) {
      throw new MalformedFileException(
          source, where + " shape " + sh + " x " + dtype + " overflows 64 bits");
    }
    if (end - begin != nbytes) {
      throw new MalformedFileException(
          source,
          where
              + " shape "
              + sh
              + " x "
              + dtype
              + " needs "
              + nbytes
              + " bytes but data_offsets ["
              + begin
              + ", "
              + end
              + ") span "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static long nonNegativeLong(String source, String what, JsonNode n)
      throws MalformedFileException {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new MalformedFileException(source, what + " must be an integer in [0, 2^63); got " + n);
    }
    return n.longValue();
  }

  /** The file's {@code __metadata__} (empty when absent), unmodifiable. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** All tensors, ordered by data offset, unmodifiable. */
  public List<TensorInfo> tensors() {
    return List.copyOf(tensors.values());
  }

  /** True when the file holds a tensor of this name. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The header entry of a tensor.
   *
   * @throws IllegalArgumentException naming the tensor and the file
   */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          source + " has no tensor \"" + name + "\"; it has " + abbreviate(tensors.keySet()));
    }
    return t;
  }

  /** A lazy view of a tensor's data (nothing is read until it is converted). */
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

  /** Where the file came from. */
  public String source() {
    return source;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(source + " is closed");
    }
  }

  static String abbreviate(java.util.Collection<String> names) {
    List<String> l = new ArrayList<>(names);
    return l.size() <= 8 ? l.toString() : l.subList(0, 8) + " and " + (l.size() - 8) + " more";
  }

  /** Marks the file closed; mapped memory is released by the garbage collector (Java 17). */
  @Override
  public void close() {
    closed = true;
  }
}
