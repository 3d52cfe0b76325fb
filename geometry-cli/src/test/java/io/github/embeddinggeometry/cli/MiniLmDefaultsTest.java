package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defaults for the default dataset show the overdensity: the largest near-duplicate cluster in
 * the default box is made of the never-trained [unused...] tokens (ids 1..998 of the BERT
 * vocabulary).
 */
class MiniLmDefaultsTest {
  @TempDir Path tmp;

  @Test
  void defaultClustersAreTheUnusedTokens() throws IOException {
    Path out = tmp.resolve("clusters");
    GeometryCliTest.Result r = GeometryCliTest.run("clusters", "--out", out.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rep = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(rep.get("rows").asInt()).isEqualTo(30_522);
    assertThat(rep.get("dim").asInt()).isEqualTo(384);
    int unused = 0;
    for (JsonNode id : rep.get("largest_ids")) {
      if (id.asInt() >= 1 && id.asInt() <= 998) {
        unused++;
      }
    }
    // 993 of the 994 [unused] rows lie in the default box and join one component at eps 0.27.
    assertThat(unused).isGreaterThanOrEqualTo(990);
    assertThat(rep.get("largest_sample").get(0).get("text").asText()).startsWith("[unused");
    GeometryCliTest.assertPng(out.resolve("cluster_nn_distances.png"));
  }

  /** Named by path, as a Hugging Face folder, the same matrix gets the same defaults. */
  @Test
  void aMiniLmFolderGivenByPathGetsMiniLmsDefaults() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("minilm-folder"));
    EmbeddingMatrix w = MiniLm.loadMatrix();
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        List.of(Tensors.of(MiniLm.INITIALIZER, w.backingArray(), w.rows(), w.dim())));
    Path out = tmp.resolve("by-path");
    GeometryCliTest.Result r =
        GeometryCliTest.run(
            "clusters", "--model", dir.toString(), "--out", out.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rep = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    // MiniLM's box (lat 40..70, lon 0..40, r 0.25..0.45) and eps 0.27, not the notebooks'.
    JsonNode box = rep.get("box");
    assertThat(box.get("lat_min").asDouble()).isEqualTo(40);
    assertThat(box.get("lon_max").asDouble()).isEqualTo(40);
    assertThat(box.get("r_max").asDouble()).isEqualTo(0.45);
    assertThat(rep.get("eps").asDouble()).isEqualTo(0.27);
  }
}
