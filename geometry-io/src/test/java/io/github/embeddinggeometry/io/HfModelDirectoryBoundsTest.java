package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shard names that must stay in the folder, links as Hugging Face caches make them, caps. */
class HfModelDirectoryBoundsTest {
  @TempDir Path root;

  private Path dir() throws IOException {
    return Files.createDirectories(root.resolve("snapshots/rev"));
  }

  private static void index(Path dir, String shardJson) throws IOException {
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"lm_head.weight\":" + shardJson + "}}");
  }

  private static void shard(Path p) throws IOException {
    SafetensorsWriter.write(
        p, List.of(Tensors.of("lm_head.weight", new float[] {1, 2, 3, 4}, 2, 2)));
  }

  @Test
  void shardNamesThatLeaveTheFolderAreRefused() throws Exception {
    Path dir = dir();
    shard(root.resolve("outside.safetensors"));
    for (String bad :
        new String[] {
          "\"..\"",
          "\".\"",
          "\"\"",
          "\"../outside.safetensors\"",
          "\"/etc/passwd\"",
          "\"sub\\\\x.safetensors\"",
          "\"a\\u0000b\"",
          "17",
          "null"
        }) {
      index(dir, bad);
      assertThatThrownBy(() -> HfModelDirectory.open(dir))
          .as(bad)
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContainingAll(
              dir.resolve("model.safetensors.index.json").toString(),
              "weight_map entry \"lm_head.weight\" names shard",
              "not a file name in the directory");
    }
  }

  @Test
  void hiddenNamesAndHuggingFaceCacheLinksRead() throws Exception {
    Path dir = dir();
    shard(dir.resolve(".hidden.safetensors"));
    index(dir, "\".hidden.safetensors\"");
    assertThat(EmbeddingSources.load(dir.toString(), ProgressListener.NONE).row(1))
        .containsExactly(3, 4);
    // snapshots/rev/model.safetensors -> ../../blobs/<hash>, as huggingface_hub lays a cache out
    Path blob = Files.createDirectories(root.resolve("blobs")).resolve("0123abcd");
    shard(blob);
    Files.createSymbolicLink(
        dir.resolve("model-00001.safetensors"), Path.of("../../blobs/0123abcd"));
    index(dir, "\"model-00001.safetensors\"");
    assertThat(EmbeddingSources.load(dir.toString(), ProgressListener.NONE).row(0))
        .containsExactly(1, 2);
  }

  @Test
  void shardsMustResolveToRegularFiles() throws Exception {
    Path dir = dir();
    Files.createDirectories(root.resolve("a-folder"));
    Files.createSymbolicLink(dir.resolve("linked.safetensors"), root.resolve("a-folder"));
    index(dir, "\"linked.safetensors\"");
    assertThatThrownBy(() -> HfModelDirectory.open(dir))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("names shard \"linked.safetensors\", which is a folder");
    Files.delete(dir.resolve("linked.safetensors"));
    Files.createDirectories(dir.resolve("linked.safetensors"));
    assertThatThrownBy(() -> HfModelDirectory.open(dir))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("which is a folder, not a regular file");
    Files.createSymbolicLink(dir.resolve("dangling.safetensors"), root.resolve("nothing"));
    index(dir, "\"dangling.safetensors\"");
    try (HfModelDirectory d = HfModelDirectory.open(dir)) {
      assertThatThrownBy(() -> d.tensor("lm_head.weight"))
          .isInstanceOf(FileNotFoundException.class)
          .hasMessageContaining("dangling.safetensors: no such file");
    }
  }

  @Test
  void configAndIndexAreReadWithCaps() throws Exception {
    Path dir = dir();
    shard(dir.resolve("model.safetensors"));
    Path config = dir.resolve("config.json");
    Files.write(config, new byte[HfModelDirectory.MAX_CONFIG_BYTES + 1]);
    assertThatThrownBy(() -> HfModelDirectory.open(dir))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll(config.toString(), "exceeds the cap of 16777216");
    Files.delete(config);
    // 300,000 tensor names of a few bytes: a 4 MB index whose map would take about 40 MB.
    StringBuilder w = new StringBuilder("{\"weight_map\":{");
    for (int i = 0; i < 300_000; i++) {
      w.append(i == 0 ? "" : ",").append(String.format("\"%x\":\"s\"", i));
    }
    Files.writeString(dir.resolve("model.safetensors.index.json"), w.append("}}"));
    assertThatThrownBy(() -> HfModelDirectory.open(dir))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContainingAll("shard index describes more entries", "bytes of heap");
  }
}
