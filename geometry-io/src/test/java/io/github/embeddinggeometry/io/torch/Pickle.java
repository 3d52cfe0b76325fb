package io.github.embeddinggeometry.io.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes pickle opcodes by hand (protocol 2, as torch.save does) and torch's zip layout. */
public final class Pickle {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int memo;

  public Pickle() {
    out.write(0x80);
    out.write(2);
  }

  public Pickle op(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  public Pickle global(String module, String name) {
    out.write('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    return put();
  }

  public Pickle put() {
    return op('q', memo++);
  }

  public Pickle str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    op('X', b.length, b.length >> 8, b.length >> 16, b.length >> 24);
    out.writeBytes(b);
    return put();
  }

  public Pickle integer(int v) {
    if (v >= 0 && v < 256) {
      return op('K', v);
    }
    return op('J', v, v >> 8, v >> 16, v >> 24);
  }

  public Pickle mark() {
    return op('(');
  }

  /**
   * Pushes torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()).
   */
  public Pickle tensor(
      String storageType, String key, int numel, int offset, int[] size, int[] stride) {
    global("torch._utils", "_rebuild_tensor_v2");
    mark();
    mark()
        .str("storage")
        .global("torch", storageType)
        .str(key)
        .str("cpu")
        .integer(numel)
        .op('t')
        .put();
    op('Q');
    integer(offset);
    mark();
    for (int s : size) {
      integer(s);
    }
    op('t').put();
    mark();
    for (int s : stride) {
      integer(s);
    }
    op('t').put();
    op(0x89); // False
    global("collections", "OrderedDict").op(')', 'R').put();
    return op('t').put().op('R').put();
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  public byte[] stop() {
    out.write('.');
    return bytes();
  }

  /** torch.save's zip: archive/data.pkl, archive/byteorder, archive/data/KEY (stored). */
  public static void zip(Path path, byte[] pickle, Map<String, byte[]> storages)
      throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(java.nio.file.Files.newOutputStream(path))) {
      stored(z, "archive/data.pkl", pickle);
      stored(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      for (Map.Entry<String, byte[]> e : storages.entrySet()) {
        stored(z, "archive/data/" + e.getKey(), e.getValue());
      }
      stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }
}
