package io.github.embeddinggeometry.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  /** A file by the format's rules: u64 LE header length, header, data. */
  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return file(h, data);
  }

  static byte[] file(byte[] h, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    return b.array();
  }

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  private Path write(String name, byte[] content) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  @Test
  void readsAHandWrittenFileWithBf16AndMetadata() throws Exception {
    String header =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    // a = [1.5, -2.0] as float32 LE; b = [1.0, -2.0, NaN] as bf16 LE.
    byte[] data =
        bytes(0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0xC0, 0xC0, 0x7F);
    try (SafetensorsFile f = SafetensorsFile.open(write("x.safetensors", file(header, data)))) {
      assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
      assertThat(f.tensors()).extracting(TensorInfo::name).containsExactly("a", "b");
      assertThat(f.info("b").dtype()).isEqualTo(DType.BF16);
      assertThat(f.tensor("a").toFloatArray()).containsExactly(1.5f, -2f);
      float[] b = f.tensor("b").toFloatArray();
      assertThat(b[0]).isEqualTo(1f);
      assertThat(b[1]).isEqualTo(-2f);
      assertThat(b[2]).isNaN();
      assertThat(f.tensor("b").toLittleEndianBytes())
          .isEqualTo(bytes(0x80, 0x3F, 0x00, 0xC0, 0xC0, 0x7F));
      Tensor a = f.tensor("a");
      f.close();
      assertThatThrownBy(a::toFloatArray)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void writerOutputIsByteExact() throws Exception {
    Path p = dir.resolve("w.safetensors");
    SafetensorsWriter.write(
        p,
        Map.of("format", "pt"),
        List.of(
            Tensors.of("W", new float[] {1.5f, -2f}, 1, 2), Tensors.of("ids", new long[] {7}, 1)));
    String json =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"W\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
            + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    int padded = (json.length() + 7) / 8 * 8;
    String header = json + " ".repeat(padded - json.length());
    byte[] data = bytes(0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0, 7, 0, 0, 0, 0, 0, 0, 0);
    assertThat(Files.readAllBytes(p)).isEqualTo(file(header, data));
    assertThat((8 + header.length()) % 8).isZero();
  }

  @Test
  void everyDtypeRoundTrips() throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    List<Tensor> ts = new ArrayList<>();
    Map<String, byte[]> raw = new LinkedHashMap<>();
    for (DType t : DType.values()) {
      byte[] b = new byte[3 * 5 * t.bytes()];
      rnd.nextBytes(b);
      raw.put(t.name(), b);
      ts.add(Tensors.ofBytes(t.name(), t, b, 3, 5));
    }
    Path p = dir.resolve("all.safetensors");
    SafetensorsWriter.write(p, ts);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      for (DType t : DType.values()) {
        Tensor x = f.tensor(t.name());
        assertThat(x.dtype()).isEqualTo(t);
        assertThat(x.shape()).containsExactly(3, 5);
        assertThat(x.toLittleEndianBytes()).as(t.name()).isEqualTo(raw.get(t.name()));
        ByteBuffer bb = ByteBuffer.wrap(raw.get(t.name())).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = x.toDoubleArray();
        for (int i = 0; i < 15; i++) {
          double expected;
          switch (t) {
            case F64:
              expected = bb.getDouble(8 * i);
              break;
            case F32:
              expected = bb.getFloat(4 * i);
              break;
            case BF16:
              expected = Float.intBitsToFloat((bb.getShort(2 * i) & 0xffff) << 16);
              break;
            case I64:
              expected = bb.getLong(8 * i);
              break;
            case I32:
              expected = bb.getInt(4 * i);
              break;
            case U32:
              expected = bb.getInt(4 * i) & 0xffffffffL;
              break;
            case I16:
              expected = bb.getShort(2 * i);
              break;
            case U16:
              expected = bb.getShort(2 * i) & 0xffff;
              break;
            case I8:
              expected = bb.get(i);
              break;
            case U8:
              expected = bb.get(i) & 0xff;
              break;
            case BOOL:
              expected = bb.get(i) != 0 ? 1 : 0;
              break;
            default:
              continue; // F16/F8 decoding is covered by FloatFormatsTest; U64 below
          }
          if (Double.isNaN(expected)) {
            assertThat(d[i]).isNaN();
          } else {
            assertThat(d[i]).as(t + "[" + i + "]").isEqualTo(expected);
          }
        }
        if (!t.isFloatingPoint()) {
          long[] l = x.toLongArray();
          if (t == DType.U64 || t == DType.I64) {
            assertThat(l[4]).isEqualTo(bb.getLong(32));
          }
        }
      }
    }
  }

  @Test
  void bf16MatrixBecomesFloatRows() throws Exception {
    int rows = 37;
    int dim = 11;
    byte[] b = new byte[rows * dim * 2];
    new SplittableRandom(5).nextBytes(b);
    Path p = dir.resolve("W.safetensors");
    SafetensorsWriter.write(p, List.of(Tensors.ofBytes("W", DType.BF16, b, rows, dim)));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      EmbeddingMatrix m = f.tensor("W").toEmbeddingMatrix(ProgressListener.NONE);
      assertThat(m.rows()).isEqualTo(rows);
      assertThat(m.dim()).isEqualTo(dim);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < dim; c++) {
          int i = 2 * (r * dim + c);
          int bits = ((b[i] & 0xff) | (b[i + 1] & 0xff) << 8) << 16;
          assertThat(Float.floatToRawIntBits(m.get(r, c))).isEqualTo(bits);
        }
      }
    }
  }

  @Test
  void mapsFilesBeyondTwoGibibytes() throws Exception {
    long dataLen = (1L << 31) + 4096;
    assumeTrue(
        Files.getFileStore(dir).getUsableSpace() > 4L * dataLen,
        "not enough disk for a sparse 2 GiB file");
    String json =
        "{\"big\":{\"dtype\":\"U8\",\"shape\":["
            + dataLen
            + "],\"data_offsets\":[0,"
            + dataLen
            + "]}}";
    byte[] h =
        (json + " ".repeat((8 - (json.length() + 8) % 8) % 8)).getBytes(StandardCharsets.US_ASCII);
    Path p = dir.resolve("big.safetensors");
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length);
      raf.write(len.array());
      raf.write(h);
      raf.write(new byte[] {1, 2, 3}); // first data bytes
      raf.setLength(8 + h.length + dataLen); // sparse middle
      raf.seek(8 + h.length + dataLen - 3);
      raf.write(new byte[] {(byte) 250, 9, (byte) 255});
    }
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      Tensor t = f.tensor("big");
      long[] head = new long[4];
      t.readLongs(0, head, 0, 4);
      assertThat(head).containsExactly(1, 2, 3, 0);
      long[] tail = new long[5];
      t.readLongs(dataLen - 5, tail, 0, 5);
      assertThat(tail).containsExactly(0, 0, 250, 9, 255);
      // A read straddling the 1 GiB and 2 GiB window starts.
      float[] mid = new float[64];
      t.readFloats((1L << 31) - 32, mid, 0, 64);
      assertThat(mid).containsOnly(0f);
    } finally {
      Files.deleteIfExists(p);
    }
  }

  // ---- hostile input: each a MalformedFileException naming file and problem ----

  private void assertMalformed(byte[] content, String... fragments) throws Exception {
    Path p = write("bad.safetensors", content);
    assertThatThrownBy(() -> SafetensorsFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContainingAll(fragments);
  }

  private static String one(String dtype, String shape, long begin, long end) {
    return "{\"t\":{\"dtype\":\""
        + dtype
        + "\",\"shape\":"
        + shape
        + ",\"data_offsets\":["
        + begin
        + ","
        + end
        + "]}}";
  }

  @Test
  void headerLengthBeyondTheFile() throws Exception {
    byte[] f = file(one("U8", "[2]", 0, 2), new byte[2]);
    ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5000);
    assertMalformed(f, "header length 5000", "beyond the end of the file");
  }

  @Test
  void headerOverTheCap() throws Exception {
    byte[] f = file(one("U8", "[2]", 0, 2), new byte[2]);
    ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
    assertMalformed(f, "200000000", "cap");
    ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
    assertMalformed(f, "18446744073709551615", "cap");
  }

  @Test
  void overlappingOffsets() throws Exception {
    String h =
        "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}";
    assertMalformed(file(h, new byte[6]), "overlaps");
  }

  @Test
  void offsetsOutOfOrder() throws Exception {
    assertMalformed(file(one("U8", "[0]", 4, 2), new byte[4]), "out of order", "begin 4 > end 2");
  }

  @Test
  void gapBetweenTensors() throws Exception {
    assertMalformed(file(one("U8", "[2]", 2, 4), new byte[4]), "gap");
  }

  @Test
  void offsetsBeyondTheFile() throws Exception {
    assertMalformed(
        file(one("U8", "[8]", 0, 8), new byte[4]), "beyond the data section of 4 bytes");
    assertMalformed(
        file(one("U8", "[1]", 9_000_000_000_000L, 9_000_000_000_001L), new byte[4]), "beyond");
  }

  @Test
  void shapeTimesDtypeNotMatchingTheRange() throws Exception {
    assertMalformed(file(one("F32", "[3]", 0, 8), new byte[8]), "needs 12 bytes", "span 8");
  }

  @Test
  void negativeOrOverflowingDims() throws Exception {
    assertMalformed(file(one("F32", "[-2]", 0, 8), new byte[8]), "shape[0]");
    assertMalformed(file(one("F32", "[4611686018427387904, 8]", 0, 8), new byte[8]), "overflows");
    assertMalformed(file(one("F32", "[4611686018427387904]", 0, 8), new byte[8]), "overflows");
    assertMalformed(file(one("F32", "[1e3]", 0, 8), new byte[8]), "shape[0]");
    assertMalformed(file(one("F32", "[99999999999999999999999]", 0, 8), new byte[8]), "shape[0]");
  }

  @Test
  void truncatedFiles() throws Exception {
    assertMalformed(bytes(1, 0, 0), "too short");
    byte[] good = file(one("F32", "[2]", 0, 8), new byte[8]);
    assertMalformed(java.util.Arrays.copyOf(good, good.length - 3), "beyond the data section");
    assertMalformed(java.util.Arrays.copyOf(good, 20), "beyond the end of the file");
  }

  @Test
  void nonUtf8OrDuplicateKeys() throws Exception {
    byte[] h = one("U8", "[1]", 0, 1).getBytes(StandardCharsets.UTF_8);
    h[3] = (byte) 0xC3; // starts a 2-byte sequence that the next byte does not continue
    h[4] = (byte) 0x28;
    assertMalformed(file(h, new byte[1]), "not valid UTF-8");
    String dup =
        "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
            + "\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}";
    assertMalformed(file(dup, new byte[2]), "has the key \"t\" twice");
    String dupInner =
        "{\"t\":{\"dtype\":\"U8\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    assertMalformed(file(dupInner, new byte[1]), "tensor \"t\" has the key \"dtype\" twice");
  }

  @Test
  void otherHeaderErrors() throws Exception {
    assertMalformed(file(one("Q7", "[1]", 0, 1), new byte[1]), "unknown dtype \"Q7\"");
    assertMalformed(file("[1,2]", new byte[0]), "not a JSON object");
    assertMalformed(file("{\"__metadata__\":{\"a\":1}}", new byte[0]), "not a string");
    assertMalformed(file("{\"t\":{\"dtype\":\"U8\",\"shape\":[1]}}", new byte[1]), "data_offsets");
    assertMalformed(file("{\"t\": ", new byte[1]), "not valid JSON");
  }

  @Test
  void acceptsAnEmptyFileOfTensors() throws Exception {
    Path p = write("empty.safetensors", file("{}      ", new byte[0]));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertThat(f.tensors()).isEmpty();
    }
    ByteArrayOutputStream unused = new ByteArrayOutputStream();
    assertThat(unused.size()).isZero();
  }
}
