package io.github.embeddinggeometry.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.io.ChildJvm;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers that are large, or that describe far more than their size: bounded heap. */
class SafetensorsBoundsTest {
  @TempDir Path dir;

  /** Opens the file named by the first argument and prints its tensors. */
  public static final class Open {
    public static void main(String[] args) throws Exception {
      try (SafetensorsFile f = SafetensorsFile.open(Path.of(args[0]))) {
        System.out.println("tensors=" + f.tensors());
        System.out.println("values=" + java.util.Arrays.toString(f.tensor("t").toFloatArray()));
      }
    }
  }

  @Test
  void aHeaderOfNearly100MbOpensInA48MbHeap() throws Exception {
    // One tensor, then spaces (JSON whitespace) up to 99 MB: reading the header into a byte array,
    // let alone a String or a tree beside it, does not fit the child's heap.
    String json = "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    int headerBytes = 99_000_000;
    Path p = dir.resolve("big-header.safetensors");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(p), 1 << 20)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes).array());
      out.write(json.getBytes(StandardCharsets.US_ASCII));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (long left = headerBytes - json.length(); left > 0; left -= spaces.length) {
        out.write(spaces, 0, (int) Math.min(left, spaces.length));
      }
      out.write(
          ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putFloat(1.5f)
              .putFloat(-2)
              .array());
    }
    ChildJvm.Result r = ChildJvm.run(Open.class, List.of("-Xmx48m"), Map.of(), p.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("values=[1.5, -2.0]");
  }

  @Test
  void tinyEntriesBeyondTheHeapBudgetAreRefused() throws Exception {
    // 300,000 metadata pairs of 14 bytes each: a 4 MB header whose maps and strings would take
    // about 40 MB.
    StringBuilder h = new StringBuilder("{\"__metadata__\":{");
    for (int i = 0; i < 300_000; i++) {
      h.append(i == 0 ? "" : ",").append(String.format("\"%08x\":\"\"", i));
    }
    h.append("}}");
    Path p = dir.resolve("tiny.safetensors");
    Files.write(p, SafetensorsTest.file(h.toString(), new byte[0]));
    long limit = (16L << 20) + h.length();
    assertThatThrownBy(() -> SafetensorsFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(
            p.toString(), "more than " + limit + " bytes of heap", "describes more entries");
    // The same entries in a smaller number are fine.
    StringBuilder few = new StringBuilder("{\"__metadata__\":{");
    for (int i = 0; i < 10_000; i++) {
      few.append(i == 0 ? "" : ",").append(String.format("\"%08x\":\"\"", i));
    }
    few.append("}}");
    Files.write(p, SafetensorsTest.file(few.toString(), new byte[0]));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertThat(f.metadata()).hasSize(10_000);
    }
  }

  @Test
  void longNamesAndNumbersAreCutInMessages() throws Exception {
    String name = "n".repeat(40_000); // names are capped at 50,000 characters by the parser
    String h = "{\"" + name + "\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    Path p = dir.resolve("long-name.safetensors");
    Files.write(p, SafetensorsTest.file(h, new byte[1]));
    assertThatThrownBy(() -> SafetensorsFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll("n".repeat(100) + "...\" (40000 characters)", "unknown dtype")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    String digits = "9".repeat(900);
    String n = "{\"t\":{\"dtype\":\"U8\",\"shape\":[" + digits + "],\"data_offsets\":[0,1]}}";
    Files.write(p, SafetensorsTest.file(n, new byte[1]));
    assertThatThrownBy(() -> SafetensorsFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll("shape[0] must be an integer", "(900 characters)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void headerTextIsStrictUtf8AndOneObject() throws Exception {
    String one = "{\"t\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
    // An overlong encoding of '"' and an encoded surrogate: decoders that only check continuation
    // bytes let both through.
    for (byte[] bad :
        new byte[][] {{(byte) 0xC0, (byte) 0xA2}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
      byte[] h = (one.substring(0, 2) + "XXX" + one.substring(2)).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(bad, 0, h, 2, bad.length);
      Path p = dir.resolve("bad-utf8.safetensors");
      Files.write(p, SafetensorsTest.file(h, new byte[1]));
      assertThatThrownBy(() -> SafetensorsFile.open(p))
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContaining("not valid UTF-8");
    }
    Path p = dir.resolve("two.safetensors");
    Files.write(p, SafetensorsTest.file(one + "{}", new byte[1]));
    assertThatThrownBy(() -> SafetensorsFile.open(p))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("content after its JSON object");
    Files.write(p, SafetensorsTest.file("\uFEFF" + one, new byte[1]));
    assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(MalformedFileException.class);
  }
}
