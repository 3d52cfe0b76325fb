package io.github.embeddinggeometry.io.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {
  @TempDir Path dir;

  private static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  /**
   * {'token_indices': int64 [3], 'M': f32 [2, 2] transposed view at offset 1, 'n': 3, 'tag': ('a',
   * None, 2.5)}.
   */
  private Path notebookFile() throws Exception {
    Pickle p = new Pickle();
    p.op('}').put().mark();
    p.str("token_indices").tensor("LongStorage", "0", 3, 0, new int[] {3}, new int[] {1});
    p.str("M").tensor("FloatStorage", "1", 5, 1, new int[] {2, 2}, new int[] {1, 2});
    p.str("n").integer(3);
    p.str("tag").str("a").op('N', 'G', 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x87).put();
    p.op('u');
    Path f = dir.resolve("x.pt");
    // Storage 1 = [9, 1, 2, 3, 4]; offset 1, size (2,2), stride (1,2) -> [[1, 3], [2, 4]].
    Pickle.zip(f, p.stop(), Map.of("0", longs(5, 1, 4), "1", floats(9, 1, 2, 3, 4)));
    return f;
  }

  @Test
  void readsTensorsAndContainersAsTheNotebooksWrite() throws Exception {
    Map<String, Object> d = TorchCheckpoint.loadDict(notebookFile());
    assertThat(d.keySet()).containsExactly("token_indices", "M", "n", "tag");
    Tensor ids = TorchCheckpoint.tensor(d, "token_indices");
    assertThat(ids.dtype()).isEqualTo(DType.I64);
    assertThat(ids.toLongArray()).containsExactly(5, 1, 4);
    Tensor m = TorchCheckpoint.tensor(d, "M");
    assertThat(m.shape()).containsExactly(2, 2);
    assertThat(m.toFloatArray()).containsExactly(1, 3, 2, 4);
    assertThat(d.get("n")).isEqualTo(3L);
    assertThat(d.get("tag")).isEqualTo(java.util.Arrays.asList("a", null, 2.5));
  }

  private void assertRefused(byte[] pickle, Map<String, byte[]> storages, String... fragments)
      throws Exception {
    Path f = dir.resolve("bad.pt");
    Pickle.zip(f, pickle, storages);
    assertThatThrownBy(() -> TorchCheckpoint.load(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContainingAll(fragments);
  }

  @Test
  void refusesOsSystem() throws Exception {
    byte[] p = new Pickle().global("os", "system").str("touch /tmp/pwned").op(0x85, 'R').stop();
    assertRefused(p, Map.of(), "refuses global os.system");
    byte[] posix = new Pickle().global("posix", "system").str("id").op(0x85, 'R').stop();
    assertRefused(posix, Map.of(), "refuses global posix.system");
  }

  @Test
  void refusesBuiltinsEval() throws Exception {
    byte[] p = new Pickle().str("builtins").str("eval").op(0x93).str("1+1").op(0x85, 'R').stop();
    assertRefused(p, Map.of(), "refuses global builtins.eval");
  }

  @Test
  void refusesUnknownClasses() throws Exception {
    byte[] p = new Pickle().global("mymodule", "Model").op(')', 0x81).stop();
    assertRefused(p, Map.of(), "refuses global mymodule.Model");
    byte[] torchFn = new Pickle().global("torch", "load").op(')', 'R').stop();
    assertRefused(torchFn, Map.of(), "refuses global torch.load");
  }

  @Test
  void refusesMalformedPickles() throws Exception {
    assertRefused(new Pickle().op('}').bytes(), Map.of(), "truncated");
    assertRefused(new Pickle().op('s').stop(), Map.of(), "stack underflow");
    assertRefused(new Pickle().op('h', 7).stop(), Map.of(), "memo entry 7");
    assertRefused(new Pickle().op('I').stop(), Map.of(), "opcode 0x49");
    assertRefused(new Pickle().op('X', 0xff, 0xff, 0xff, 0x7f).stop(), Map.of(), "truncated");
    // A storage key escaping the archive, and a tensor reaching beyond its storage.
    byte[] escape =
        new Pickle().tensor("FloatStorage", "../x", 1, 0, new int[] {1}, new int[] {1}).stop();
    assertRefused(escape, Map.of(), "storage \"../x\"");
    byte[] beyond =
        new Pickle().tensor("FloatStorage", "0", 2, 1, new int[] {2}, new int[] {1}).stop();
    assertRefused(beyond, Map.of("0", floats(1, 2)), "need 12 bytes", "holds 8");
  }

  @Test
  void refusesOversizedStoragesAndZipBombs() throws Exception {
    byte[] big =
        new Pickle()
            .tensor("FloatStorage", "0", 1_000_000_000, 0, new int[] {1}, new int[] {1})
            .stop();
    assertRefused(big, Map.of("0", floats(1)), "more bytes than the file");
    byte[] small =
        new Pickle().tensor("FloatStorage", "0", 2, 0, new int[] {2}, new int[] {1}).stop();
    assertRefused(small, Map.of("0", floats(1)), "holds 4 bytes", "declares 2");
    // A deflated entry of 64 MiB zeros: a few KB on disk.
    Path f = dir.resolve("bomb.pt");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
      Pickle.stored(z, "archive/data.pkl", small);
      z.putNextEntry(new ZipEntry("archive/data/0"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    assertThatThrownBy(() -> TorchCheckpoint.load(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("zip bomb");
  }

  @Test
  void refusesNonZipFiles() throws Exception {
    Path f = dir.resolve("legacy.pt");
    Files.write(f, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
    assertThatThrownBy(() -> TorchCheckpoint.load(f))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("legacy");
  }
}
