package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.EmbeddingSources;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.FileNotFoundException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each task reads its block's byte range from the file (through Hadoop's file system, here {@code
 * file:}); the rows are exactly those geometry-io's {@code EmbeddingSources.load} gives, for every
 * format and dtype the cluster reads.
 */
class FileSourceTest {
  @TempDir Path dir;

  private final SparkAnalyses spark = SparkAnalyses.on(TestSpark.sc());

  private void assertSameRows(String spec, String loadSpec, int blocks) throws Exception {
    EmbeddingMatrix want = EmbeddingSources.load(loadSpec, ProgressListener.NONE);
    RowBlocks m = spark.read(spec, blocks);
    assertThat(m.rows()).isEqualTo(want.rows());
    assertThat(m.dim()).isEqualTo(want.dim());
    List<RowBlock> got = new ArrayList<>(m.rdd().collect());
    got.sort(Comparator.comparingInt(RowBlock::index));
    assertThat(got).hasSize(Math.min(blocks, want.rows()));
    int row = 0;
    for (RowBlock b : got) {
      assertThat(b.start()).isEqualTo(row);
      for (int i = 0; i < b.rows(); i++, row++) {
        assertThat(b.id(i)).isEqualTo(row);
        assertThat(b.matrix().row(i)).containsExactly(want.row(row));
      }
    }
    assertThat(row).isEqualTo(want.rows());
  }

  @Test
  void safetensorsFloat32AndBf16ByNameOrDefault() throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(101, 7, 0, 3);
    byte[] bf16 = new byte[101 * 7 * 2];
    ByteBuffer bb = ByteBuffer.wrap(bf16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : w.backingArray()) {
      bb.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
    }
    Path f = dir.resolve("two.safetensors");
    SafetensorsWriter.write(
        f,
        List.of(
            Tensors.ofBytes("model.embed_tokens.weight", DType.BF16, bf16, 101, 7),
            Tensors.of("other", w.backingArray(), 101, 7)));
    assertSameRows(f.toString(), f.toString(), 4);
    assertSameRows(f + ":other", f + ":other", 3);
    assertSameRows(f.toUri().toString(), f.toString(), 1);
  }

  @Test
  void npyLittleAndBigEndian() throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(50, 9, 0, 4);
    Path le = dir.resolve("w.npy");
    NpyWriter.write(le, Tensors.of("", w.backingArray(), 50, 9));
    assertSameRows(le.toString(), le.toString(), 8);
    String header = "{'descr': '>f4', 'fortran_order': False, 'shape': (50, 9), }";
    int pad = 64 - (10 + header.length() + 1) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 50 * 9 * 4);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.US_ASCII));
    b.order(ByteOrder.BIG_ENDIAN);
    for (float v : w.backingArray()) {
      b.putFloat(v);
    }
    Path be = dir.resolve("be.npy");
    Files.write(be, b.array());
    assertSameRows(be.toString(), be.toString(), 3);
  }

  @Test
  void shardedModelFolderPicksTheTiedInputEmbedding() throws Exception {
    EmbeddingMatrix w = TestSpark.matrix(64, 5, 0, 5);
    Path model = Files.createDirectories(dir.resolve("model"));
    SafetensorsWriter.write(
        model.resolve("model-00001-of-00002.safetensors"),
        List.of(Tensors.of("layers.0.weight", new float[] {1, 2}, 2)));
    SafetensorsWriter.write(
        model.resolve("model-00002-of-00002.safetensors"),
        List.of(Tensors.of("model.embed_tokens.weight", w.backingArray(), 64, 5)));
    Files.writeString(
        model.resolve("model.safetensors.index.json"),
        "{\"metadata\": {}, \"weight_map\": {\"layers.0.weight\": \"model-00001-of-00002.safetensors\","
            + " \"model.embed_tokens.weight\": \"model-00002-of-00002.safetensors\"}}");
    Files.writeString(model.resolve("config.json"), "{\"tie_word_embeddings\": true}");
    assertSameRows(model.toString(), model.toString(), 3);
    Files.writeString(model.resolve("config.json"), "{\"tie_word_embeddings\": false}");
    assertThatThrownBy(() -> spark.read(model.toString(), 3))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("tie_word_embeddings=false");
  }

  @Test
  void badInputIsNamed() throws Exception {
    assertThatThrownBy(() -> spark.read(dir.resolve("none.safetensors").toString(), 2))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("none.safetensors");
    Path broken = dir.resolve("broken.safetensors");
    Files.write(broken, new byte[] {16, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
    assertThatThrownBy(() -> spark.read(broken.toString(), 2))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("broken.safetensors");
    Path vector = dir.resolve("v.npy");
    NpyWriter.write(vector, Tensors.of("", new float[] {1, 2, 3}, 3));
    assertThatThrownBy(() -> spark.read(vector.toString(), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2-D");
  }
}
