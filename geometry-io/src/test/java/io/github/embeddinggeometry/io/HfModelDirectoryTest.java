package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfModelDirectoryTest {
  @TempDir Path dir;

  /** One-tensor shard written by hand: header, then float32 LE values. */
  private static void shard(Path p, String name, int rows, int cols, float first) throws Exception {
    String json =
        "{\""
            + name
            + "\":{\"dtype\":\"F32\",\"shape\":["
            + rows
            + ","
            + cols
            + "],\"data_offsets\":[0,"
            + 4 * rows * cols
            + "]}}";
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + h.length + 4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (int i = 0; i < rows * cols; i++) {
      b.putFloat(first + i);
    }
    Files.write(p, b.array());
  }

  private void index(String... nameShard) throws Exception {
    StringBuilder w = new StringBuilder("{\"metadata\":{\"total_size\":0},\"weight_map\":{");
    for (int i = 0; i < nameShard.length; i += 2) {
      w.append(i == 0 ? "" : ",")
          .append('"')
          .append(nameShard[i])
          .append("\":\"")
          .append(nameShard[i + 1])
          .append('"');
    }
    Files.writeString(dir.resolve("model.safetensors.index.json"), w.append("}}").toString());
  }

  @Test
  void shardedCheckpointWithTiedEmbeddings() throws Exception {
    Files.writeString(
        dir.resolve("config.json"), "{\"model_type\":\"qwen3\",\"tie_word_embeddings\":true}");
    shard(dir.resolve("model-00001-of-00002.safetensors"), "model.embed_tokens.weight", 3, 2, 10);
    shard(dir.resolve("model-00002-of-00002.safetensors"), "model.norm.weight", 1, 2, 0);
    index(
        "model.embed_tokens.weight",
        "model-00001-of-00002.safetensors",
        "model.norm.weight",
        "model-00002-of-00002.safetensors");
    try (HfModelDirectory d = HfModelDirectory.open(dir)) {
      assertThat(d.tensorNames()).containsExactly("model.embed_tokens.weight", "model.norm.weight");
      assertThat(d.embeddingTensorName()).isEqualTo("model.embed_tokens.weight");
      assertThat(d.tensor("model.norm.weight").toFloatArray()).containsExactly(0, 1);
    }
    EmbeddingMatrix m = EmbeddingSources.load(dir.toString(), ProgressListener.NONE);
    assertThat(m.rows()).isEqualTo(3);
    assertThat(m.row(2)).containsExactly(14, 15);
  }

  @Test
  void lmHeadWinsAndUntiedWithoutHeadFails() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"tie_word_embeddings\":false}");
    shard(dir.resolve("a.safetensors"), "model.embed_tokens.weight", 2, 2, 0);
    shard(dir.resolve("b.safetensors"), "lm_head.weight", 2, 2, 100);
    index("model.embed_tokens.weight", "a.safetensors", "lm_head.weight", "b.safetensors");
    assertThat(EmbeddingSources.load(dir.toString(), ProgressListener.NONE).row(0))
        .containsExactly(100, 101);
    index("model.embed_tokens.weight", "a.safetensors");
    try (HfModelDirectory d = HfModelDirectory.open(dir)) {
      assertThatThrownBy(d::embeddingTensorName)
          .isInstanceOf(MalformedFileException.class)
          .hasMessageContaining("tie_word_embeddings=false");
    }
  }

  @Test
  void absentTieKeyMeansTiedAndBertNamesResolve() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"bert\"}");
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        List.of(
            Tensors.of("bert.embeddings.word_embeddings.weight", new float[] {1, 2, 3, 4}, 2, 2)));
    try (HfModelDirectory d = HfModelDirectory.open(dir)) {
      assertThat(d.tieWordEmbeddings()).isTrue();
      assertThat(d.embeddingTensorName()).isEqualTo("bert.embeddings.word_embeddings.weight");
    }
    Path f = dir.resolve("model.safetensors");
    assertThat(EmbeddingSources.load(f.toString(), ProgressListener.NONE).row(1))
        .containsExactly(3, 4);
    assertThat(
            EmbeddingSources.load(
                    f + ":bert.embeddings.word_embeddings.weight", ProgressListener.NONE)
                .rows())
        .isEqualTo(2);
  }

  @Test
  void shardIndexCannotEscapeTheDirectory() throws Exception {
    index("w", "../evil.safetensors");
    assertThatThrownBy(() -> HfModelDirectory.open(dir))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("not a file name");
  }

  @Test
  void referenceFrameRoundTripsBitExactly() throws Exception {
    int d = 5;
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    float[] origin = new float[d];
    double[] values = new double[d];
    double[] vectors = new double[d * d];
    for (int i = 0; i < d; i++) {
      origin[i] = (float) rnd.nextGaussian();
      values[i] = (float) (10.0 / (i + 1)); // float32-representable, as a file gives them
    }
    for (int i = 0; i < d * d; i++) {
      vectors[i] = (float) rnd.nextGaussian();
    }
    Path p = dir.resolve("frame.safetensors");
    ReferenceFrameFiles.save(p, ReferenceFrame.of(origin, values, vectors));
    ReferenceFrame back = ReferenceFrameFiles.load(p);
    assertThat(back.origin()).containsExactly(origin);
    assertThat(back.eigenvalues()).containsExactly(values);
    assertThat(back.eigenvectors()).containsExactly(vectors);
    byte[] first = Files.readAllBytes(p);
    ReferenceFrameFiles.save(p, back);
    assertThat(Files.readAllBytes(p)).isEqualTo(first);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertThat(f.info("W_eigenvectors").shape()).containsExactly(d, d);
      assertThat(f.info("cluster_centroid").dtype()).isEqualTo(DType.F32);
    }
  }

  @Test
  void partialFrameIsRefusedBeforeAnythingIsWritten() {
    int d = 4;
    double[] twoPcs = new double[d * 2];
    twoPcs[0] = 1;
    twoPcs[3] = 1;
    ReferenceFrame partial = ReferenceFrame.of(d, null, new double[] {2, 1}, twoPcs);
    Path p = dir.resolve("partial.safetensors");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReferenceFrameFiles.save(p, partial))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 of 4 PCs");
    assertThat(p).doesNotExist();
  }

  @Test
  void aClosedDirectoryOpensNoShardAgain() throws Exception {
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        List.of(Tensors.of("embed_tokens.weight", new float[] {1, 2, 3, 4}, 2, 2)));
    HfModelDirectory d = HfModelDirectory.open(dir);
    assertThat(d.embeddingMatrix(ProgressListener.NONE).row(1)).containsExactly(3, 4);
    d.close();
    assertThatThrownBy(() -> d.embeddingMatrix(ProgressListener.NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    d.close(); // idempotent
  }
}
