package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.EmbeddingSources;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line and the library pick the same tensor from the same model folder, in every case
 * the spec names: tied embeddings, untied with an output head, untied without one (an error naming
 * both), and a sharded checkpoint.
 */
class ModelFolderTest {
  @TempDir Path tmp;

  /** 3 x 2 rows whose first value tells which tensor they came from. */
  private static float[] rows(float first) {
    float[] v = new float[6];
    for (int i = 0; i < v.length; i++) {
      v[i] = first + i;
    }
    return v;
  }

  private Path folder(String name, String config, String... tensors) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("config.json"), config);
    List<io.github.embeddinggeometry.io.tensor.Tensor> list = new java.util.ArrayList<>();
    for (int i = 0; i < tensors.length; i++) {
      list.add(Tensors.of(tensors[i], rows(100 * (i + 1)), 3, 2));
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), list);
    return dir;
  }

  private static void samePick(Path dir, float expectedFirst) throws Exception {
    EmbeddingMatrix lib = EmbeddingSources.load(dir.toString(), ProgressListener.NONE);
    try (ModelLoader.Model cli = ModelLoader.load(dir.toString(), null, ProgressListener.NONE)) {
      assertThat(cli.matrix().backingArray()).containsExactly(lib.backingArray());
    }
    assertThat(lib.get(0, 0)).isEqualTo(expectedFirst);
  }

  @Test
  void tiedUsesTheInputEmbedding() throws Exception {
    samePick(
        folder(
            "tied",
            "{\"tie_word_embeddings\":true}",
            "model.embed_tokens.weight",
            "model.norm.weight"),
        100);
  }

  @Test
  void untiedWithHeadUsesTheHead() throws Exception {
    samePick(
        folder(
            "head",
            "{\"tie_word_embeddings\":false}",
            "model.embed_tokens.weight",
            "lm_head.weight"),
        200);
  }

  @Test
  void untiedWithoutHeadIsAnErrorNamingBoth() throws Exception {
    Path dir = folder("nohead", "{\"tie_word_embeddings\":false}", "model.embed_tokens.weight");
    assertThatThrownBy(() -> EmbeddingSources.load(dir.toString(), ProgressListener.NONE))
        .hasMessageContaining("lm_head.weight")
        .hasMessageContaining("tie_word_embeddings");
    assertThatThrownBy(() -> ModelLoader.load(dir.toString(), null, ProgressListener.NONE))
        .isInstanceOf(UserInputException.class)
        .hasMessageStartingWith("--model " + dir)
        .hasMessageContaining("lm_head.weight")
        .hasMessageContaining("tie_word_embeddings");
    GeometryCliTest.Result r =
        GeometryCliTest.run(
            "frame", "--model", dir.toString(), "--out", tmp.resolve("out").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).contains("lm_head.weight").doesNotContain("\n");
  }

  @Test
  void shardedFollowsTheIndex() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("sharded"));
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"qwen3\"}");
    SafetensorsWriter.write(
        dir.resolve("model-00001-of-00002.safetensors"),
        List.of(Tensors.of("model.embed_tokens.weight", rows(300), 3, 2)));
    SafetensorsWriter.write(
        dir.resolve("model-00002-of-00002.safetensors"),
        List.of(Tensors.of("lm_head.weight", rows(400), 3, 2)));
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{"
            + "\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\","
            + "\"lm_head.weight\":\"model-00002-of-00002.safetensors\"}}");
    samePick(dir, 400);
  }
}
