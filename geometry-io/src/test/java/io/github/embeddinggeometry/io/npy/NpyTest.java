package io.github.embeddinggeometry.io.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  /** A .npy by the format's rules: magic, version, length, dict padded to 64 with '\n' last. */
  static byte[] npy(int major, String dict, byte[] data) {
    int prefix = major == 1 ? 10 : 12;
    int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
    String header = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(prefix + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93)
        .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
        .put((byte) major)
        .put((byte) 0);
    if (major == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    return b.put(h).put(data).array();
  }

  private Path write(byte[] content) throws Exception {
    Path p = dir.resolve("a.npy");
    Files.write(p, content);
    return p;
  }

  @Test
  void readsCOrderFloat32() throws Exception {
    ByteBuffer d = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      d.putFloat(i + 0.5f);
    }
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(
                    1,
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                    d.array())))) {
      assertThat(f.shape()).containsExactly(2, 3);
      assertThat(f.tensor().toFloatArray()).containsExactly(0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f);
      assertThat(f.tensor().toEmbeddingMatrix(ProgressListener.NONE).get(1, 0)).isEqualTo(3.5f);
    }
  }

  @Test
  void readsFortranOrderAndBigEndian() throws Exception {
    // Matrix [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian float64.
    ByteBuffer d = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
    for (double v : new double[] {1, 4, 2, 5, 3, 6}) {
      d.putDouble(v);
    }
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }", d.array())))) {
      assertThat(f.isFortranOrder()).isTrue();
      assertThat(f.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
      assertThat(f.tensor().toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
      ByteBuffer le =
          ByteBuffer.wrap(f.tensor().toLittleEndianBytes()).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(le.getDouble(8)).isEqualTo(2);
    }
  }

  @Test
  void readsV2AndV3HeadersAndIntegerTypes() throws Exception {
    ByteBuffer d =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(1L << 40);
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", d.array())))) {
      assertThat(f.tensor().toLongArray()).containsExactly(-5, 1L << 40);
    }
    ByteBuffer i4 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(-7).putInt(9);
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(
                    3,
                    "{\"descr\": \">i4\", \"fortran_order\": False, \"shape\": (1, 2)}",
                    i4.array())))) {
      assertThat(f.tensor().toLongArray()).containsExactly(-7, 9);
    }
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(
                    1,
                    "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                    new byte[] {1, 0, 1})))) {
      assertThat(f.dtype()).isEqualTo(DType.BOOL);
      assertThat(f.tensor().toLongArray()).containsExactly(1, 0, 1);
    }
    ByteBuffer f2 =
        ByteBuffer.allocate(4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short) 0x3c00)
            .putShort((short) 0xc200);
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", f2.array())))) {
      assertThat(f.tensor().toFloatArray()).containsExactly(1f, -3f);
    }
    try (NpyFile f =
        NpyFile.open(
            write(
                npy(
                    1,
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                    new byte[] {0, 0, (byte) 0x80, 0x3f})))) {
      assertThat(f.tensor().toFloatArray()).containsExactly(1f);
    }
  }

  @Test
  void writerMatchesNumpySaveByteForByte() throws Exception {
    Path p = dir.resolve("w.npy");
    NpyWriter.write(p, Tensors.of("", new float[] {1f, 2f, 3f}, 3));
    byte[] data =
        ByteBuffer.allocate(12)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putFloat(1)
            .putFloat(2)
            .putFloat(3)
            .array();
    assertThat(Files.readAllBytes(p))
        .isEqualTo(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", data));
    NpyWriter.write(p, Tensors.of("", new long[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertThat(new String(Files.readAllBytes(p), 10, 60, StandardCharsets.US_ASCII))
        .startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }");
  }

  @Test
  void roundTripsEveryNumpyDtype() throws Exception {
    SplittableRandom rnd = new SplittableRandom(9);
    for (DType t : DType.values()) {
      if (t == DType.BF16 || t == DType.F8_E4M3 || t == DType.F8_E5M2) {
        assertThatThrownBy(
                () ->
                    NpyWriter.write(
                        dir.resolve("x.npy"), Tensors.ofBytes("", t, new byte[t.bytes()], 1)))
            .isInstanceOf(IllegalArgumentException.class);
        continue;
      }
      byte[] b = new byte[4 * 3 * t.bytes()];
      rnd.nextBytes(b);
      Path p = dir.resolve(t + ".npy");
      NpyWriter.write(p, Tensors.ofBytes("", t, b, 4, 3));
      try (NpyFile f = NpyFile.open(p)) {
        assertThat(f.dtype()).isEqualTo(t);
        assertThat(f.tensor().toLittleEndianBytes()).isEqualTo(b);
      }
    }
  }

  @Test
  void mapsFilesBeyondTwoGibibytes() throws Exception {
    long n = (1L << 29) + 16; // float32 elements: 2 GiB + 64 bytes
    assumeTrue(Files.getFileStore(dir).getUsableSpace() > 4 * 4 * n, "not enough disk");
    byte[] head =
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n / 16 + ", 16), }",
            new byte[0]);
    Path p = dir.resolve("big.npy");
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      raf.write(head);
      raf.setLength(head.length + 4 * n);
      raf.seek(head.length + 4 * (n - 1));
      raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 42.5f).array());
    }
    try (NpyFile f = NpyFile.open(p)) {
      float[] last = new float[16];
      f.tensor().readFloats(n - 16, last, 0, 16);
      assertThat(last[15]).isEqualTo(42.5f);
      assertThat(last[0]).isZero();
    } finally {
      Files.deleteIfExists(p);
    }
  }

  private void assertMalformed(byte[] content, String... fragments) throws Exception {
    Path p = write(content);
    assertThatThrownBy(() -> NpyFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(p.toString())
        .hasMessageContainingAll(fragments);
  }

  @Test
  void hostileHeaders() throws Exception {
    assertMalformed(new byte[] {(byte) 0x93, 'N', 'U'}, "too short");
    assertMalformed(
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[4]),
        "needs 8 data bytes",
        "truncated");
    assertMalformed(
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", new byte[4]),
        "dimension");
    assertMalformed(
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
            new byte[4]),
        "overflows");
    assertMalformed(
        npy(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
            new byte[4]),
        "dimension 99999999999999999999 does not fit 64 bits");
    assertMalformed(
        npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]),
        "unsupported");
    assertMalformed(
        npy(
            1,
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
            new byte[4]),
        "duplicate key 'descr'");
    assertMalformed(
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", new byte[4]),
        "unexpected key \"x\"");
    assertMalformed(npy(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4]), "lacks");
    assertMalformed(npy(1, "__import__('os').system('x')", new byte[4]), "expected '{'");
    byte[] lenBeyond =
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    lenBeyond[8] = (byte) 0xff;
    lenBeyond[9] = (byte) 0x7f;
    assertMalformed(lenBeyond, "beyond the end of the file");
    byte[] huge = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 200_000_000);
    assertMalformed(huge, "exceeds the cap");
    byte[] nonUtf8 =
        npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    nonUtf8[14] = (byte) 0xff;
    assertMalformed(nonUtf8, "UTF-8");
  }

  @Test
  void dimensionsAreAsciiDigitsThatFit64Bits() throws Exception {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s,), }";
    // Arabic-Indic and fullwidth 3: Character.isDigit and Long.parseLong take them, NumPy never
    // writes them; read as 3 they would make this 12-byte array valid.
    for (String three : new String[] {"\u0663", "\uff13"}) {
      assertMalformed(
          npy(3, String.format(dict, three), new byte[12]),
          "expected a non-negative dimension in ASCII digits");
    }
    // 19 digits, one more than fits: once a NumberFormatException out of the reader.
    assertMalformed(
        npy(1, String.format(dict, "9999999999999999999"), new byte[4]),
        "dimension 9999999999999999999 does not fit 64 bits");
    assertMalformed(
        npy(1, String.format(dict, "9223372036854775808"), new byte[4]), "does not fit 64 bits");
    // The largest long itself is a dimension (its product with the item size overflows).
    assertMalformed(
        npy(1, String.format(dict, "9223372036854775807"), new byte[4]), "overflows 64 bits");
  }

  @Test
  void longNumbersAndStringsAreCutInMessages() throws Exception {
    String digits = "1".repeat(5000);
    Path p =
        write(
            npy(
                2,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (" + digits + ",), }",
                new byte[4]));
    assertThatThrownBy(() -> NpyFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(p.toString(), "1".repeat(100) + "... (5000 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    String descr = "<" + "x".repeat(100_000);
    Path q =
        write(
            npy(
                2,
                "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }",
                new byte[4]));
    assertThatThrownBy(() -> NpyFile.open(q))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll("unsupported .npy descr", "(100001 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }
}
