package io.github.embeddinggeometry.io.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.HeapBudget;
import io.github.embeddinggeometry.io.internal.StrictJson;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a safetensors header straight from the (mapped) file with a streaming parser: no copy of
 * the header, no String of it, no JSON tree; the parser holds one token at a time. What stays is
 * the index itself, and that is bounded too ({@link HeapBudget}: 16 MiB plus the header's own size;
 * a 100 MB header of tiny metadata entries would otherwise become over a gigabyte of maps and
 * strings).
 */
final class SafetensorsHeader {
  // Estimated heap of a TensorInfo with its shape array header and list slot, beside its map entry.
  private static final long TENSOR_BYTES = 72;

  private final String source;
  private final JsonParser p;
  private final HeapBudget heap;

  private SafetensorsHeader(String source, JsonParser p, long headerBytes) {
    this.source = source;
    this.p = p;
    this.heap = new HeapBudget(source, "safetensors header", headerBytes);
  }

  /**
   * Validates a header against a data section of {@code dataLength} bytes.
   *
   * @param metaOut receives {@code __metadata__}. Modified.
   * @return tensors sorted by offset
   */
  static Map<String, TensorInfo> parse(
      String source, ByteRegion header, long dataLength, Map<String, String> metaOut)
      throws MalformedFileException {
    List<TensorInfo> list;
    try (JsonParser p = StrictJson.parser(header)) {
      list = new SafetensorsHeader(source, p, header.size()).read(metaOut);
    } catch (MalformedFileException e) {
      throw e;
    } catch (IOException e) {
      throw StrictJson.malformed(source, "safetensors header", e);
    }
    list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (TensorInfo t : list) {
      if (out.putIfAbsent(t.name(), t) != null) {
        throw new MalformedFileException(
            source, "safetensors header has the key " + Excerpt.quote(t.name()) + " twice");
      }
    }
    checkTiling(source, list, dataLength);
    return out;
  }

  private List<TensorInfo> read(Map<String, String> metaOut) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw fail("safetensors header is not a JSON object");
    }
    List<TensorInfo> list = new ArrayList<>();
    boolean sawMetadata = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("__metadata__")) {
        if (sawMetadata) {
          throw fail("safetensors header has the key \"__metadata__\" twice");
        }
        sawMetadata = true;
        readMetadata(v, metaOut);
      } else {
        list.add(entry(name, v));
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
      throw fail("safetensors header has content after its JSON object");
    }
    return list;
  }

  private void readMetadata(JsonToken v, Map<String, String> metaOut) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      throw fail("__metadata__ is not a JSON object");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw fail("__metadata__ value of " + Excerpt.quote(key) + " is not a string");
      }
      String value = p.getText();
      heap.charge(
          HeapBudget.MAP_ENTRY_BYTES + HeapBudget.stringBytes(key) + HeapBudget.stringBytes(value));
      if (metaOut.putIfAbsent(key, value) != null) {
        throw fail("__metadata__ has the key " + Excerpt.quote(key) + " twice");
      }
    }
  }

  private TensorInfo entry(String name, JsonToken v) throws IOException {
    String where = "tensor " + Excerpt.quote(name);
    if (v != JsonToken.START_OBJECT) {
      throw fail(where + " is not a JSON object");
    }
    String dtypeName = null;
    long[] shape = null;
    long[] offsets = null;
    Set<String> keys = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      if (!keys.add(key)) {
        throw fail(where + " has the key " + Excerpt.quote(key) + " twice");
      }
      if (keys.size() > 64) {
        throw fail(where + " has more than 64 keys (it needs three)");
      }
      switch (key) {
        case "dtype":
          if (t != JsonToken.VALUE_STRING) {
            throw fail(where + " has no string \"dtype\"");
          }
          dtypeName = p.getText();
          break;
        case "shape":
          if (t != JsonToken.START_ARRAY) {
            throw fail(where + " has no \"shape\" array");
          }
          shape = longs(where + " shape");
          break;
        case "data_offsets":
          if (t != JsonToken.START_ARRAY) {
            throw fail(where + " has no \"data_offsets\" [begin, end]");
          }
          offsets = longs(where + " data_offsets");
          if (offsets.length != 2) {
            throw fail(where + " has no \"data_offsets\" [begin, end]");
          }
          break;
        default:
          p.skipChildren(); // unknown keys are ignored, as the reference implementation does
      }
    }
    if (dtypeName == null) {
      throw fail(where + " has no string \"dtype\"");
    }
    DType dtype;
    try {
      dtype = DType.fromSafetensorsName(dtypeName);
    } catch (IllegalArgumentException e) {
      throw fail(where + ": unknown dtype " + Excerpt.quote(dtypeName));
    }
    if (shape == null) {
      throw fail(where + " has no \"shape\" array");
    }
    if (offsets == null) {
      throw fail(where + " has no \"data_offsets\" [begin, end]");
    }
    heap.charge(
        TENSOR_BYTES
            + HeapBudget.MAP_ENTRY_BYTES
            + 8L * shape.length
            + HeapBudget.stringBytes(name));
    long numel = 1;
    for (long d : shape) {
      try {
        numel = Math.multiplyExact(numel, d);
      } catch (ArithmeticException e) {
        throw fail(where + " shape " + shapeText(shape) + " overflows 64 bits");
      }
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw fail(where + " has data_offsets out of order: begin " + begin + " > end " + end);
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(numel, (long) dtype.bytes());
    } catch (ArithmeticException e) {
      throw fail(where + " shape " + shapeText(shape) + " x " + dtype + " overflows 64 bits");
    }
    if (end - begin != nbytes) {
      throw fail(
          where
              + " shape "
              + shapeText(shape)
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

  /** The rest of an array (its START_ARRAY just read) as non-negative longs. */
  private long[] longs(String what) throws IOException {
    long[] out = new long[4];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || p.getLongValue() < 0) {
        throw fail(
            what
                + "["
                + n
                + "] must be an integer in [0, 2^63); got "
                + Excerpt.token(t == null ? "end of input" : p.getText()));
      }
      if (n == out.length) {
        heap.charge(8L * n); // the array grows; its old copy is garbage
        out = Arrays.copyOf(out, 2 * n);
      }
      out[n++] = p.getLongValue();
    }
    return Arrays.copyOf(out, n);
  }

  private static String shapeText(long[] shape) {
    return Excerpt.token(Arrays.toString(shape));
  }

  private MalformedFileException fail(String problem) {
    return new MalformedFileException(source, problem);
  }

  private static void checkTiling(String source, List<TensorInfo> list, long dataLength)
      throws MalformedFileException {
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : list) {
      String name = Excerpt.quote(t.name());
      if (t.end() > dataLength) {
        throw new MalformedFileException(
            source,
            "tensor "
                + name
                + " ends at byte "
                + t.end()
                + ", beyond the data section of "
                + dataLength
                + " bytes (truncated?)");
      }
      if (t.begin() < expected) {
        throw new MalformedFileException(
            source,
            "tensor "
                + name
                + " at bytes ["
                + t.begin()
                + ", "
                + t.end()
                + ") overlaps tensor "
                + Excerpt.quote(previous.name())
                + " ending at "
                + expected);
      }
      if (t.begin() > expected) {
        throw new MalformedFileException(
            source,
            "tensor "
                + name
                + " starts at byte "
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
  }
}
