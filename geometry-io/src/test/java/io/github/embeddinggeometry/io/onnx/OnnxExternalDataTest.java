package io.github.embeddinggeometry.io.onnx;

import static io.github.embeddinggeometry.io.onnx.OnnxInitializersTest.le;
import static io.github.embeddinggeometry.io.onnx.OnnxInitializersTest.message;
import static io.github.embeddinggeometry.io.onnx.OnnxInitializersTest.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External data: inside the model's folder once links are resolved, offsets without overflow. */
class OnnxExternalDataTest {
  @TempDir Path root;

  /** A model in root/model/ whose float initializer "w" of two values is external. */
  private Path external(Map<String, String> externalData) throws IOException {
    Path dir = Files.createDirectories(root.resolve("model"));
    byte[] w =
        message(
            o -> {
              o.writeInt64(1, 2);
              o.writeInt32(2, 1);
              o.writeString(8, "w");
              for (Map.Entry<String, String> e : externalData.entrySet()) {
                o.writeByteArray(
                    13,
                    message(
                        kv -> {
                          kv.writeString(1, e.getKey());
                          kv.writeString(2, e.getValue());
                        }));
              }
              o.writeInt32(14, 1);
            });
    Path p = dir.resolve("m.onnx");
    Files.write(p, model(w));
    return p;
  }

  private Path external(String location, String offset) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("location", location);
    if (offset != null) {
      m.put("offset", offset);
    }
    return external(m);
  }

  private static void assertRefused(Path model, String... fragments) {
    assertThatThrownBy(() -> OnnxInitializers.open(model).tensor("w"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(fragments);
  }

  @Test
  void dataInTheFolderAndLinksWithinItRead() throws Exception {
    Path m = external("weights.bin", "4");
    Files.write(
        m.resolveSibling("weights.bin"), OnnxInitializersTest.concat(new byte[4], le(7, 8)));
    assertThat(OnnxInitializers.open(m).tensor("w").toFloatArray()).containsExactly(7f, 8f);
    Files.createDirectories(m.resolveSibling("blobs"));
    Files.move(m.resolveSibling("weights.bin"), m.resolveSibling("blobs/abc"));
    Files.createSymbolicLink(m.resolveSibling("weights.bin"), Path.of("blobs/abc"));
    assertThat(OnnxInitializers.open(m).tensor("w").toFloatArray()).containsExactly(7f, 8f);
  }

  @Test
  void aLinkOutOfTheFolderIsRefused() throws Exception {
    Path outside = root.resolve("secret.bin");
    Files.write(outside, le(1, 2));
    Path m = external("weights.bin", null);
    Files.createSymbolicLink(m.resolveSibling("weights.bin"), outside);
    assertRefused(
        m,
        m.toString(),
        "external location \"weights.bin\" leaves the model's directory through a symbolic link",
        outside.toRealPath().toString());
    // A folder linked from inside leads out too.
    Files.createSymbolicLink(m.resolveSibling("up"), root);
    Path viaFolder = external("up/secret.bin", null);
    assertRefused(viaFolder, "through a symbolic link");
  }

  @Test
  void absoluteAndParentLocationsAreRefused() throws Exception {
    Files.write(root.resolve("secret.bin"), le(1, 2));
    assertRefused(
        external(root.resolve("secret.bin").toString(), null), "leaves the model's directory");
    assertRefused(external("../secret.bin", null), "leaves the model's directory");
    assertRefused(external("a\u0000b", null), "is not a file name");
  }

  @Test
  void nonRegularExternalFilesAreRefusedBeforeOpening() throws Exception {
    Path m = external("weights.bin", null);
    Files.createDirectories(m.resolveSibling("weights.bin"));
    assertRefused(m, "external location \"weights.bin\" is not a regular file");
  }

  @Test
  void offsetsAndLengthsDoNotOverflow() throws Exception {
    Path m = external("weights.bin", Long.toString(Long.MAX_VALUE));
    Files.write(m.resolveSibling("weights.bin"), le(1, 2, 3));
    // off + len wraps to a negative number: once past the check, then an exception from map().
    assertRefused(m, "needs 8 bytes from offset 9223372036854775807 but the file holds 12");
    assertRefused(external("weights.bin", "9223372036854775808"), "is not a non-negative integer");
    assertRefused(external("weights.bin", "+4"), "external offset \"+4\"");
    assertRefused(
        external("weights.bin", "\u0664"), "external offset \"\u0664\""); // Arabic-Indic 4
    Map<String, String> length = new LinkedHashMap<>();
    length.put("location", "weights.bin");
    length.put("length", "-8");
    assertRefused(external(length), "external length \"-8\"");
  }

  @Test
  void longNamesAreCutInMessages() throws Exception {
    String loc = "x".repeat(100_000);
    assertThatThrownBy(() -> OnnxInitializers.open(external(loc, null)).tensor("w"))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("(100000 characters) does not exist")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400 + root.toString().length()));
  }
}
