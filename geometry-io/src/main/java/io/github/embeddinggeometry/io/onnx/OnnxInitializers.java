package io.github.embeddinggeometry.io.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.OptionalDependency;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The initializers of an ONNX model, read from the protobuf wire format without generated classes.
 * Needs {@code com.google.protobuf:protobuf-java}, an optional dependency of geometry-io that the
 * application declares (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/io.html">reading files</a>); without it
 * every reader here throws an {@link IOException} naming it.
 *
 * <p>One pass over the file records where each initializer's data lies and skips the bytes, so a 90
 * MB model is indexed without copying its weights; {@link #tensor} then reads one lazily. Data may
 * be in {@code raw_data}, in the typed fields ({@code float_data}, {@code double_data}, {@code
 * int32_data}, {@code int64_data}), or in an external file next to the model ({@code data_location
 * = EXTERNAL}, for models opened from a path). External data must lie inside the model's folder
 * once symbolic links are resolved, in a regular file, at an offset and length (checked without
 * overflow) within it.
 *
 * @since 0.1
 */
public final class OnnxInitializers {
  // Field numbers from onnx.proto.
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int T_DIMS = 1;
  private static final int T_DATA_TYPE = 2;
  private static final int T_FLOAT_DATA = 4;
  private static final int T_INT32_DATA = 5;
  private static final int T_INT64_DATA = 7;
  private static final int T_NAME = 8;
  private static final int T_RAW_DATA = 9;
  private static final int T_DOUBLE_DATA = 10;
  private static final int T_EXTERNAL_DATA = 13;
  private static final int T_DATA_LOCATION = 14;

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  private final String source;
  private final Path directory;
  private final ByteRegion file;
  private final Map<String, Entry> entries;

  /** Most dimensions an initializer may have (as the pickle reader allows). */
  static final int MAX_DIMS = 64;

  /**
   * Where one initializer's data is. Typed fields are found again by re-reading the TensorProto
   * ({@code messagePos}, {@code messageLen}) when the tensor is read, so indexing allocates nothing
   * per value: a model of millions of one-byte unpacked values costs no more than its name.
   */
  private static final class Entry {
    String name = "";
    int dataType;
    DType dtype;
    long[] dims = new long[0];
    long rawPos = -1;
    long rawLen;
    int typedField;
    long messagePos;
    int messageLen;
    boolean external;
    Map<String, String> externalInfo;

    void addDim(String source, long d) throws MalformedFileException {
      if (dims.length == MAX_DIMS) {
        throw new MalformedFileException(
            source,
            "initializer " + Excerpt.quote(name) + " has more than " + MAX_DIMS + " dimensions");
      }
      dims = Arrays.copyOf(dims, dims.length + 1);
      dims[dims.length - 1] = d;
    }
  }

  private OnnxInitializers(
      String source, Path directory, ByteRegion file, Map<String, Entry> entries) {
    this.source = source;
    this.directory = directory;
    this.file = file;
    this.entries = entries;
  }

  /**
   * Maps and indexes a model file (at most 2 GiB, the protobuf limit).
   *
   * @param path the model
   * @return the index; external data is looked up next to {@code path}
   * @throws java.io.FileNotFoundException if nothing is at {@code path}
   * @throws IOException naming the path if it is not a regular file (a folder, FIFO or device), or
   *     naming the artifact {@code com.google.protobuf:protobuf-java} when it is not on the class
   *     path
   * @throws MalformedFileException if the file is not a valid ONNX protobuf
   */
  public static OnnxInitializers open(Path path) throws IOException {
    RegularFiles.require(path);
    requireProtobuf(path.toString());
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        throw new MalformedFileException(
            path.toString(),
            "file of "
                + ch.size()
                + " bytes exceeds the 2 GiB protobuf limit (large models keep weights as external data)");
      }
      ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      Path dir = path.toAbsolutePath().getParent();
      return index(path.toString(), dir, ByteRegion.of(b), b);
    }
  }

  /**
   * Reads a model from a stream (e.g. a class path resource) into memory and indexes it.
   *
   * @param sourceName names the model in error messages
   * @param in the model's bytes; read to the end, not closed
   * @return the index (external data cannot be resolved)
   * @throws MalformedFileException if the bytes are not a well-formed ONNX model
   * @throws IOException if reading fails, or naming the artifact {@code
   *     com.google.protobuf:protobuf-java} when it is not on the class path
   */
  public static OnnxInitializers read(String sourceName, InputStream in) throws IOException {
    requireProtobuf(sourceName); // before reading a 90 MB stream for nothing
    return of(sourceName, in.readAllBytes());
  }

  /**
   * Indexes a model held in memory.
   *
   * @param sourceName names the model in error messages
   * @param bytes the model. Not copied: do not modify it while the index is in use.
   * @return the index (external data cannot be resolved)
   * @throws MalformedFileException if the bytes are not a well-formed ONNX model
   * @throws IOException naming the artifact {@code com.google.protobuf:protobuf-java} when it is
   *     not on the class path
   */
  public static OnnxInitializers of(String sourceName, byte[] bytes) throws IOException {
    requireProtobuf(sourceName);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return index(sourceName, null, ByteRegion.of(b), b);
  }

  private static void requireProtobuf(String source) throws IOException {
    OptionalDependency.PROTOBUF.require("reading the ONNX file " + source);
  }

  private static OnnxInitializers index(String source, Path dir, ByteRegion region, ByteBuffer buf)
      throws MalformedFileException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(buf.duplicate());
      in.setSizeLimit(Integer.MAX_VALUE);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag == tag(MODEL_GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
          int len = in.readRawVarint32();
          int old = in.pushLimit(checkLength(source, in, len));
          readGraph(source, in, entries);
          in.popLimit(old);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (MalformedFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new MalformedFileException(
          source, "not a valid ONNX protobuf: " + Excerpt.message(e.getMessage()), e);
    }
    return new OnnxInitializers(source, dir, region, entries);
  }

  private static int checkLength(String source, CodedInputStream in, int len)
      throws MalformedFileException {
    if (len < 0) {
      throw new MalformedFileException(
          source, "negative length " + len + " at byte " + in.getTotalBytesRead());
    }
    return len;
  }

  private static void readGraph(String source, CodedInputStream in, Map<String, Entry> entries)
      throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      if (tag == tag(GRAPH_INITIALIZER, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        int len = checkLength(source, in, in.readRawVarint32());
        long pos = in.getTotalBytesRead();
        int old = in.pushLimit(len);
        Entry e = readTensor(source, in);
        in.popLimit(old);
        e.messagePos = pos;
        e.messageLen = len;
        if (entries.putIfAbsent(e.name, e) != null) {
          throw new MalformedFileException(
              source, "initializer " + Excerpt.quote(e.name) + " appears twice");
        }
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  private static Entry readTensor(String source, CodedInputStream in) throws IOException {
    Entry e = new Entry();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      if (field == T_DIMS && wire == WireFormat.WIRETYPE_VARINT) {
        e.addDim(source, in.readInt64());
      } else if (field == T_DIMS && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int old = in.pushLimit(checkLength(source, in, in.readRawVarint32()));
        while (in.getBytesUntilLimit() > 0) {
          e.addDim(source, in.readInt64());
        }
        in.popLimit(old);
      } else if (field == T_DATA_TYPE && wire == WireFormat.WIRETYPE_VARINT) {
        e.dataType = in.readInt32();
      } else if (field == T_NAME && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        e.name = in.readStringRequireUtf8();
      } else if (field == T_RAW_DATA && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int len = checkLength(source, in, in.readRawVarint32());
        e.rawPos = in.getTotalBytesRead();
        e.rawLen = len;
        in.skipRawBytes(len);
      } else if ((field == T_FLOAT_DATA
              || field == T_INT32_DATA
              || field == T_INT64_DATA
              || field == T_DOUBLE_DATA)
          && e.external == false) {
        if (e.typedField != 0 && e.typedField != field) {
          throw new MalformedFileException(
              source,
              "initializer "
                  + Excerpt.quote(e.name)
                  + " has data in two typed fields "
                  + e.typedField
                  + " and "
                  + field);
        }
        e.typedField = field;
        in.skipField(tag);
      } else if (field == T_EXTERNAL_DATA && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int old = in.pushLimit(checkLength(source, in, in.readRawVarint32()));
        String k = null;
        String v = null;
        while (true) {
          int t = in.readTag();
          if (t == 0) {
            break;
          }
          if (t == tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
            k = in.readStringRequireUtf8();
          } else if (t == tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
            v = in.readStringRequireUtf8();
          } else if (!in.skipField(t)) {
            break;
          }
        }
        in.popLimit(old);
        if (k != null) {
          if (e.externalInfo == null) {
            e.externalInfo = new LinkedHashMap<>();
          }
          if (e.externalInfo.size() == 16) {
            throw new MalformedFileException(
                source, "initializer " + Excerpt.quote(e.name) + " has over 16 external_data keys");
          }
          e.externalInfo.put(k, v == null ? "" : v);
        }
      } else if (field == T_DATA_LOCATION && wire == WireFormat.WIRETYPE_VARINT) {
        e.external = in.readInt32() == 1;
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    e.dtype = dtype(e.dataType);
    for (long d : e.dims) {
      if (d < 0) {
        throw new MalformedFileException(
            source, "initializer " + Excerpt.quote(e.name) + " has negative dimension " + d);
      }
    }
    return e;
  }

  private static DType dtype(int onnxType) {
    switch (onnxType) {
      case 1:
        return DType.F32;
      case 2:
        return DType.U8;
      case 3:
        return DType.I8;
      case 4:
        return DType.U16;
      case 5:
        return DType.I16;
      case 6:
        return DType.I32;
      case 7:
        return DType.I64;
      case 9:
        return DType.BOOL;
      case 10:
        return DType.F16;
      case 11:
        return DType.F64;
      case 12:
        return DType.U32;
      case 13:
        return DType.U64;
      case 16:
        return DType.BF16;
      case 17:
        return DType.F8_E4M3;
      case 19:
        return DType.F8_E5M2;
      default:
        return null; // strings, complex, other float8 variants: listed but not readable
    }
  }

  /**
   * All initializers in file order (those of unsupported types are left out).
   *
   * @return an unmodifiable list
   */
  public List<OnnxInitializer> list() {
    List<OnnxInitializer> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.dtype != null) {
        out.add(new OnnxInitializer(e.name, e.dtype, e.dims.clone(), e.external));
      }
    }
    return out;
  }

  /**
   * Whether an initializer of this name exists.
   *
   * @param name an initializer name
   * @return true when {@link #tensor} can read it
   */
  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /**
   * One initializer's data.
   *
   * @param name an initializer name
   * @return a view of its data
   * @throws IllegalArgumentException if no initializer has that name
   * @throws MalformedFileException if its data does not match its type and dims
   * @throws IOException if reading external data fails
   */
  public Tensor tensor(String name) throws IOException {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          source
              + " has no initializer "
              + Excerpt.quote(name)
              + "; it has "
              + Excerpt.names(entries.keySet(), 8));
    }
    String where = "initializer " + Excerpt.quote(name);
    if (e.dtype == null) {
      throw new MalformedFileException(
          source, where + " has ONNX data type " + e.dataType + ", which is not supported");
    }
    long[] dims = e.dims.clone();
    long bytes;
    try {
      long n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
      bytes = Math.multiplyExact(n, (long) e.dtype.bytes());
    } catch (ArithmeticException x) {
      throw new MalformedFileException(source, where + " dims overflow 64 bits");
    }
    ByteRegion data;
    if (e.external) {
      data = external(e, where, bytes);
    } else if (e.rawPos >= 0) {
      if (e.rawLen != bytes) {
        throw new MalformedFileException(
            source,
            where
                + " dims x "
                + e.dtype
                + " need "
                + bytes
                + " bytes but raw_data holds "
                + e.rawLen);
      }
      data = file.sub(e.rawPos, e.rawLen);
    } else {
      data = typed(e, where, bytes);
    }
    try {
      return new RegionTensor(
          source, name, e.dtype, dims, null, 0, data, ByteOrder.LITTLE_ENDIAN, null);
    } catch (IllegalArgumentException x) {
      throw new MalformedFileException(source, where + ": " + x.getMessage());
    }
  }

  private ByteRegion external(Entry e, String where, long bytes) throws IOException {
    String loc = e.externalInfo == null ? null : e.externalInfo.get("location");
    if (directory == null || loc == null) {
      throw new MalformedFileException(
          source,
          where
              + " keeps its data in an external file "
              + Excerpt.of(loc)
              + ", which needs the model opened from a path");
    }
    Path p = confined(where, loc);
    long off = externalNumber(e, where, "offset", 0);
    long len = externalNumber(e, where, "length", bytes);
    if (len != bytes) {
      throw new MalformedFileException(
          source,
          where
              + " external length "
              + len
              + " does not match dims x "
              + e.dtype
              + " = "
              + bytes
              + " bytes");
    }
    // NOFOLLOW_LINKS: p is already the resolved path; a link planted there since is not followed.
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (off > size || len > size - off) { // never off + len: it may overflow
        throw new MalformedFileException(
            p.toString(),
            where + " needs " + len + " bytes from offset " + off + " but the file holds " + size);
      }
      return ByteRegion.map(ch, off, len);
    }
  }

  /**
   * The real path of an external data file: inside the model's folder once every symbolic link is
   * resolved (a link from the folder to elsewhere is refused like {@code ../}), and a regular file.
   */
  private Path confined(String where, String loc) throws IOException {
    Path folder = directory.toRealPath();
    Path p;
    try {
      p = directory.resolve(loc);
    } catch (InvalidPathException x) {
      throw new MalformedFileException(
          source, where + " external location " + Excerpt.quote(loc) + " is not a file name");
    }
    if (Path.of(loc).isAbsolute() || !p.normalize().startsWith(directory.normalize())) {
      throw new MalformedFileException(
          source,
          where + " external location " + Excerpt.quote(loc) + " leaves the model's directory");
    }
    // The location comes from the file: messages quote it cut, not the whole path.
    String quoted = where + " external location " + Excerpt.quote(loc);
    if (!Files.exists(p)) {
      throw new MalformedFileException(source, quoted + " does not exist");
    }
    if (!Files.isRegularFile(p)) {
      throw new MalformedFileException(
          source, quoted + " is not a regular file (a folder, FIFO or device)");
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new MalformedFileException(
          source, quoted + " cannot be resolved: " + Excerpt.message(String.valueOf(e)), e);
    }
    if (!real.startsWith(folder)) {
      throw new MalformedFileException(
          source,
          where
              + " external location "
              + Excerpt.quote(loc)
              + " leaves the model's directory through a symbolic link (it resolves to "
              + Excerpt.quote(real.toString())
              + ")");
    }
    return real;
  }

  /** A non-negative decimal from external_data, in ASCII digits as ONNX writes it. */
  private long externalNumber(Entry e, String where, String key, long absent)
      throws MalformedFileException {
    String v = e.externalInfo.get(key);
    if (v == null) {
      return absent;
    }
    boolean digits = !v.isEmpty() && v.length() <= 19;
    for (int i = 0; digits && i < v.length(); i++) {
      digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
    }
    if (digits) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException overflow) {
        // falls through to the message below
      }
    }
    throw new MalformedFileException(
        source,
        where
            + " external "
            + key
            + " "
            + Excerpt.quote(v)
            + " is not a non-negative integer of at most 63 bits");
  }

  // Typed fields: floats and doubles are already little-endian IEEE when packed; the varint
  // fields are decoded into a heap buffer of the tensor's dtype. The TensorProto is read again and
  // every occurrence of the typed field, packed or not, is decoded in order.
  private ByteRegion typed(Entry e, String where, long bytes) throws IOException {
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new MalformedFileException(
          source, where + " of " + bytes + " bytes is too large for typed fields");
    }
    // A value takes at least one byte of the message, so a message cannot fill more than this.
    long most = Math.min(bytes, (long) e.messageLen * e.dtype.bytes());
    ByteBuffer out = ByteBuffer.allocate((int) most).order(ByteOrder.LITTLE_ENDIAN);
    long count = 0;
    long needCount = bytes / e.dtype.bytes();
    try {
      CodedInputStream in = CodedInputStream.newInstance(file.slice(e.messagePos, e.messageLen));
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (WireFormat.getTagFieldNumber(tag) != e.typedField) {
          if (!in.skipField(tag)) {
            break;
          }
          continue;
        }
        int wire = WireFormat.getTagWireType(tag);
        boolean packed = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED;
        if (!packed && wire != unpackedWireType(e.typedField)) {
          throw new MalformedFileException(
              source, where + " has typed field " + e.typedField + " with wire type " + wire);
        }
        int old = packed ? in.pushLimit(checkLength(source, in, in.readRawVarint32())) : 0;
        do {
          if (count >= needCount) {
            throw new MalformedFileException(
                source, where + " has more values than its dims allow (" + needCount + ")");
          }
          readValue(e, where, in, packed, out);
          count++;
        } while (packed && !in.isAtEnd());
        if (packed) {
          in.popLimit(old);
        }
      }
    } catch (java.nio.BufferOverflowException x) {
      throw new MalformedFileException(source, where + " has more values than its dims allow");
    } catch (MalformedFileException x) {
      throw x;
    } catch (IOException x) {
      // e.g. a packed float field whose length is not a multiple of 4
      throw new MalformedFileException(
          source, where + " has a broken typed data field: " + Excerpt.message(x.getMessage()), x);
    }
    if (count != needCount) {
      throw new MalformedFileException(
          source, where + " has " + count + " values but its dims need " + needCount);
    }
    out.flip();
    return ByteRegion.of(out);
  }

  private static int unpackedWireType(int field) {
    switch (field) {
      case T_FLOAT_DATA:
        return WireFormat.WIRETYPE_FIXED32;
      case T_DOUBLE_DATA:
        return WireFormat.WIRETYPE_FIXED64;
      default:
        return WireFormat.WIRETYPE_VARINT;
    }
  }

  private void readValue(Entry e, String where, CodedInputStream in, boolean packed, ByteBuffer out)
      throws IOException {
    switch (e.typedField) {
      case T_FLOAT_DATA:
        requireType(e, where, DType.F32);
        out.putFloat(packed ? in.readFloat() : Float.intBitsToFloat(in.readRawLittleEndian32()));
        break;
      case T_DOUBLE_DATA:
        requireType(e, where, DType.F64);
        out.putDouble(
            packed ? in.readDouble() : Double.longBitsToDouble(in.readRawLittleEndian64()));
        break;
      case T_INT64_DATA:
        requireType(e, where, DType.I64);
        out.putLong(in.readInt64());
        break;
      default:
        { // int32_data holds every narrower type, as bit patterns for f16/bf16
          int v = in.readInt32();
          switch (e.dtype.bytes()) {
            case 1:
              out.put((byte) v);
              break;
            case 2:
              out.putShort((short) v);
              break;
            case 4:
              out.putInt(v);
              break;
            default:
              throw new MalformedFileException(
                  source, where + " of " + e.dtype + " cannot use int32_data");
          }
        }
    }
  }

  private void requireType(Entry e, String where, DType t) throws MalformedFileException {
    if (e.dtype != t) {
      throw new MalformedFileException(
          source, where + " of " + e.dtype + " stores values in the " + t + " field");
    }
  }
}
