package io.github.embeddinggeometry.io.npy;

import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.internal.StrictJson;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0), memory-mapped in windows so that
 * arrays over 2 GiB (a 32,000 x 32,000 float32 distance matrix is 4.1 GB) are read lazily.
 *
 * <p>Supported element types: {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1}, little or big endian; C
 * or Fortran order (the returned {@link Tensor} always reads in C order). The header is checked
 * strictly: exactly the keys {@code descr}, {@code fortran_order}, {@code shape}; a header length
 * within the file and under 1 MiB; dimensions written in ASCII digits (as NumPy writes them; the
 * other Unicode digits Python's parser would take are refused) whose product fits 64 bits; and a
 * data section of exactly shape x itemsize bytes. Object arrays (pickles) are refused.
 *
 * @since 0.1
 */
public final class NpyFile implements AutoCloseable {
  /** Largest header accepted. NumPy itself refuses more than 10,000 bytes by default. */
  public static final int MAX_HEADER_BYTES = 1 << 20;

  private final String source;
  private final DType dtype;
  private final ByteOrder order;
  private final boolean fortranOrder;
  private final long[] shape;
  private final ByteRegion data;
  private volatile boolean closed;

  private NpyFile(String source, NpyHeader h, ByteRegion data) {
    this.source = source;
    this.dtype = h.dtype;
    this.order = h.order;
    this.fortranOrder = h.fortranOrder;
    this.shape = h.shape;
    this.data = data;
  }

  /**
   * Opens a file and checks its header; data is mapped, not read.
   *
   * @param path the file
   * @return the opened file; the caller closes it
   * @throws java.io.FileNotFoundException if nothing is at {@code path}
   * @throws IOException naming the path if it is not a regular file (a folder, FIFO or device)
   * @throws MalformedFileException if the file breaks the format's rules
   */
  public static NpyFile open(Path path) throws IOException {
    RegularFiles.require(path);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return parse(path.toString(), ByteRegion.map(ch, 0, ch.size()));
    }
  }

  /**
   * Parses a whole file held in memory.
   *
   * @param sourceName names the bytes in error messages
   * @param bytes the file's content. Not copied: do not modify it while the file is in use.
   * @return the parsed file
   * @throws MalformedFileException if the bytes break the format's rules
   */
  public static NpyFile of(String sourceName, byte[] bytes) throws MalformedFileException {
    return parse(sourceName, ByteRegion.of(bytes));
  }

  static NpyFile parse(String source, ByteRegion whole) throws MalformedFileException {
    Layout l = layout(source, whole, whole.size());
    NpyHeader h = new NpyHeader();
    h.dtype = l.dtype();
    h.order = l.byteOrder();
    h.fortranOrder = l.fortranOrder();
    h.shape = l.shape();
    return new NpyFile(source, h, whole.sub(l.dataOffset(), whole.size() - l.dataOffset()));
  }

  /**
   * Where and how a file stores its array, for readers that fetch byte ranges themselves (e.g. from
   * a distributed file system).
   *
   * @param dtype element type
   * @param byteOrder byte order of the elements
   * @param fortranOrder true for column-major storage
   * @param shape dimensions (a copy is returned by {@link #shape()})
   * @param dataOffset byte offset of element 0 in the file
   * @since 0.1
   */
  public record Layout(
      DType dtype, ByteOrder byteOrder, boolean fortranOrder, long[] shape, long dataOffset) {
    /**
     * Copies the shape.
     *
     * @param dtype element type
     * @param byteOrder byte order of the elements
     * @param fortranOrder true for column-major storage
     * @param shape dimensions. Not modified (copied).
     * @param dataOffset byte offset of element 0 in the file
     */
    public Layout {
      shape = shape.clone();
    }

    /**
     * The dimensions.
     *
     * @return a copy of the shape
     */
    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  /**
   * The layout of a file from its first bytes, checked as {@link #open} checks the file.
   *
   * @param source names the file in error messages
   * @param prefix the first bytes of the file, at least through the end of the header (at most 12 +
   *     {@link #MAX_HEADER_BYTES} are read)
   * @param fileSize size of the whole file, for the data-size check
   * @return the file's layout
   * @throws MalformedFileException as {@link #open}; also when {@code prefix} ends inside the
   *     header
   */
  public static Layout layout(String source, byte[] prefix, long fileSize)
      throws MalformedFileException {
    return layout(source, ByteRegion.of(prefix), fileSize);
  }

  private static Layout layout(String source, ByteRegion whole, long size)
      throws MalformedFileException {
    if (size < 10) {
      throw new MalformedFileException(
          source, "file of " + size + " bytes is too short for a .npy header (truncated?)");
    }
    if (whole.size() < Math.min(size, 12)) {
      throw new MalformedFileException(
          source, "the " + whole.size() + " bytes given end inside the header; pass more");
    }
    ByteBuffer pre = whole.slice(0, 10);
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    for (int i = 0; i < 6; i++) {
      if (pre.get(i) != magic[i]) {
        throw new MalformedFileException(source, "not a .npy file (magic \\x93NUMPY missing)");
      }
    }
    int major = pre.get(6) & 0xff;
    int minor = pre.get(7) & 0xff;
    long headerLen;
    int prefix;
    if (major == 1) {
      headerLen = pre.getShort(8) & 0xffff;
      prefix = 10;
    } else if (major == 2 || major == 3) {
      if (size < 12) {
        throw new MalformedFileException(
            source, "file of " + size + " bytes is too short for a v" + major + " .npy header");
      }
      headerLen = whole.slice(8, 4).getInt(0) & 0xffffffffL;
      prefix = 12;
    } else {
      throw new MalformedFileException(
          source, "unsupported .npy format version " + major + "." + minor);
    }
    if (headerLen > MAX_HEADER_BYTES) {
      throw new MalformedFileException(
          source,
          "header length " + headerLen + " exceeds the cap of " + MAX_HEADER_BYTES + " bytes");
    }
    if (prefix + headerLen > whole.size() && prefix + headerLen <= size) {
      throw new MalformedFileException(
          source, "the " + whole.size() + " bytes given end inside the header; pass more");
    }
    if (prefix + headerLen > size) {
      throw new MalformedFileException(
          source,
          "header length "
              + headerLen
              + " goes beyond the end of the file of "
              + size
              + " bytes (truncated?)");
    }
    byte[] hb = new byte[(int) headerLen];
    whole.get(prefix, hb, 0, hb.length);
    String text;
    if (major == 3) {
      text = StrictJson.utf8(source, ".npy header", hb);
    } else {
      for (byte b : hb) {
        if (b < 0) {
          throw new MalformedFileException(
              source, ".npy v" + major + " header has a non-ASCII byte");
        }
      }
      text = new String(hb, StandardCharsets.US_ASCII);
    }
    NpyHeader h = NpyHeader.parse(source, text);
    long start = prefix + headerLen;
    long numel = 1;
    long nbytes;
    try {
      for (long d : h.shape) {
        numel = Math.multiplyExact(numel, d);
      }
      nbytes = Math.multiplyExact(numel, (long) h.dtype.bytes());
    } catch (ArithmeticException e) {
      throw new MalformedFileException(source, "shape " + h.shapeText() + " overflows 64 bits");
    }
    if (size - start != nbytes) {
      throw new MalformedFileException(
          source,
          "shape "
              + h.shapeText()
              + " of "
              + h.descr
              + " needs "
              + nbytes
              + " data bytes but the file holds "
              + (size - start)
              + (size - start < nbytes ? " (truncated?)" : ""));
    }
    return new Layout(h.dtype, h.order, h.fortranOrder, h.shape, start);
  }

  /**
   * The array, read lazily in C order.
   *
   * @return a view valid until {@link #close()}
   */
  public Tensor tensor() {
    if (closed) {
      throw new IllegalStateException(source + " is closed");
    }
    long[] strides = null;
    if (fortranOrder) {
      strides = new long[shape.length];
      long acc = 1;
      for (int k = 0; k < shape.length; k++) {
        strides[k] = acc;
        acc *= Math.max(1, shape[k]);
      }
    }
    return new RegionTensor(source, "", dtype, shape, strides, 0, data, order, () -> !closed);
  }

  /**
   * Element type.
   *
   * @return the dtype
   */
  public DType dtype() {
    return dtype;
  }

  /**
   * Dimensions.
   *
   * @return a copy
   */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Whether the file stores the array in Fortran (column-major) order.
   *
   * @return the header's {@code fortran_order}
   */
  public boolean isFortranOrder() {
    return fortranOrder;
  }

  /**
   * Byte order of the stored elements.
   *
   * @return the order from the header's {@code descr}
   */
  public ByteOrder byteOrder() {
    return order;
  }

  /** Idempotent; mapped memory goes with the garbage collector. */
  @Override
  public void close() {
    closed = true;
  }

  /** The three header fields, parsed from NumPy's Python-literal dictionary. */
  static final class NpyHeader {
    String descr;
    DType dtype;
    ByteOrder order;
    boolean fortranOrder;
    long[] shape;

    String shapeText() {
      StringBuilder b = new StringBuilder("(");
      for (long d : shape) {
        b.append(d).append(", ");
      }
      return b.append(')').toString();
    }

    static NpyHeader parse(String source, String text) throws MalformedFileException {
      Lexer lx = new Lexer(source, text);
      NpyHeader h = new NpyHeader();
      boolean sawDescr = false;
      boolean sawFortran = false;
      boolean sawShape = false;
      lx.expect('{');
      while (!lx.peek('}')) {
        String key = lx.string();
        lx.expect(':');
        switch (key) {
          case "descr":
            if (sawDescr) {
              throw lx.fail("duplicate key 'descr'");
            }
            sawDescr = true;
            h.descr = lx.string();
            decodeDescr(source, h);
            break;
          case "fortran_order":
            if (sawFortran) {
              throw lx.fail("duplicate key 'fortran_order'");
            }
            sawFortran = true;
            h.fortranOrder = lx.bool();
            break;
          case "shape":
            if (sawShape) {
              throw lx.fail("duplicate key 'shape'");
            }
            sawShape = true;
            h.shape = lx.tuple();
            break;
          default:
            throw lx.fail(
                "unexpected key " + Excerpt.quote(key) + " (only descr, fortran_order, shape)");
        }
        if (!lx.peek('}')) {
          lx.expect(',');
        }
      }
      lx.expect('}');
      lx.end();
      if (!sawDescr || !sawFortran || !sawShape) {
        throw new MalformedFileException(
            source,
            ".npy header lacks one of descr, fortran_order, shape: " + Excerpt.quote(text.strip()));
      }
      return h;
    }

    private static void decodeDescr(String source, NpyHeader h) throws MalformedFileException {
      String d = h.descr;
      if (d.length() < 3) {
        throw new MalformedFileException(source, "unsupported .npy descr " + Excerpt.quote(d));
      }
      char bo = d.charAt(0);
      String code = d.substring(1);
      DType t;
      switch (code) {
        case "f2":
          t = DType.F16;
          break;
        case "f4":
          t = DType.F32;
          break;
        case "f8":
          t = DType.F64;
          break;
        case "i1":
          t = DType.I8;
          break;
        case "i2":
          t = DType.I16;
          break;
        case "i4":
          t = DType.I32;
          break;
        case "i8":
          t = DType.I64;
          break;
        case "u1":
          t = DType.U8;
          break;
        case "u2":
          t = DType.U16;
          break;
        case "u4":
          t = DType.U32;
          break;
        case "u8":
          t = DType.U64;
          break;
        case "b1":
          t = DType.BOOL;
          break;
        default:
          throw new MalformedFileException(
              source,
              "unsupported .npy descr "
                  + Excerpt.quote(d)
                  + " (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)");
      }
      if (bo == '<' || (bo == '|' && t.bytes() == 1) || bo == '=') {
        h.order =
            ByteOrder.LITTLE_ENDIAN; // '=' is native; every platform we run on is little endian
      } else if (bo == '>') {
        h.order = ByteOrder.BIG_ENDIAN;
      } else {
        throw new MalformedFileException(
            source, "unsupported byte order in .npy descr " + Excerpt.quote(d));
      }
      h.dtype = t;
    }
  }

  /** A tiny lexer for the subset of Python literals NumPy writes. */
  private static final class Lexer {
    final String source;
    final String s;
    int i;

    Lexer(String source, String s) {
      this.source = source;
      this.s = s;
    }

    MalformedFileException fail(String what) {
      return new MalformedFileException(
          source,
          ".npy header: " + what + " at character " + i + " of " + Excerpt.quote(s.strip()));
    }

    void skip() {
      while (i < s.length()
          && (s.charAt(i) == ' '
              || s.charAt(i) == '\n'
              || s.charAt(i) == '\t'
              || s.charAt(i) == '\r')) {
        i++;
      }
    }

    boolean peek(char c) {
      skip();
      return i < s.length() && s.charAt(i) == c;
    }

    void expect(char c) throws MalformedFileException {
      if (!peek(c)) {
        throw fail("expected '" + c + "'");
      }
      i++;
    }

    void end() throws MalformedFileException {
      skip();
      if (i != s.length()) {
        throw fail("unexpected text after the dictionary");
      }
    }

    String string() throws MalformedFileException {
      skip();
      if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
        throw fail("expected a string");
      }
      char q = s.charAt(i++);
      int start = i;
      while (i < s.length() && s.charAt(i) != q) {
        if (s.charAt(i) == '\\') {
          throw fail("escapes are not supported in .npy header strings");
        }
        i++;
      }
      if (i >= s.length()) {
        throw fail("unterminated string");
      }
      return s.substring(start, i++);
    }

    /**
     * A non-negative decimal integer in ASCII digits: Long.parseLong and Character.isDigit would
     * also take Arabic-Indic, fullwidth and other Unicode digits, which NumPy never writes.
     */
    long dimension() throws MalformedFileException {
      int start = i;
      long v = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        int digit = s.charAt(i) - '0';
        if (v > (Long.MAX_VALUE - digit) / 10) {
          throw fail(
              "dimension "
                  + Excerpt.token(digitsFrom(start))
                  + " does not fit 64 bits (largest "
                  + Long.MAX_VALUE
                  + ")");
        }
        v = v * 10 + digit;
        i++;
      }
      if (i == start) {
        throw fail("expected a non-negative dimension in ASCII digits");
      }
      return v;
    }

    private String digitsFrom(int start) {
      int end = start;
      while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
        end++;
      }
      return s.substring(start, end);
    }

    boolean bool() throws MalformedFileException {
      skip();
      if (s.startsWith("True", i)) {
        i += 4;
        return true;
      }
      if (s.startsWith("False", i)) {
        i += 5;
        return false;
      }
      throw fail("expected True or False");
    }

    long[] tuple() throws MalformedFileException {
      expect('(');
      List<Long> dims = new ArrayList<>();
      while (!peek(')')) {
        skip();
        dims.add(dimension());
        if (i < s.length() && s.charAt(i) == 'L') {
          i++; // Python 2 long suffix
        }
        if (!peek(')')) {
          expect(',');
        }
      }
      expect(')');
      long[] out = new long[dims.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = dims.get(k);
      }
      return out;
    }
  }
}
