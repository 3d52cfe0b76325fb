package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
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
}
