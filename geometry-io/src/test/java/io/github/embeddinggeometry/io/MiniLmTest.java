package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.io.onnx.OnnxInitializer;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.tensor.DType;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 data from the langchain4j artifact (test scope). */
class MiniLmTest {
  private static MiniLm.Dataset data;

  @BeforeAll
  static void load() throws Exception {
    data = MiniLm.load();
  }

  @AfterAll
  static void close() {
    data.close();
  }

  @Test
  void matrixHasTheModelsShape() {
    EmbeddingMatrix m = data.matrix();
    assertThat(m.rows()).isEqualTo(30522);
    assertThat(m.dim()).isEqualTo(384);
    assertThat(m.firstNonFiniteRow()).isEqualTo(-1);
    // Trained embeddings: rows differ and are not all zero.
    assertThat(m.row(1)).isNotEqualTo(m.row(2));
    double norm = 0;
    for (float v : m.row(7592)) {
      norm += v * v;
    }
    assertThat(norm).isGreaterThan(0.01);
  }

  @Test
  void recognisesItsMatrixByContentWhereverItComesFrom() {
    EmbeddingMatrix m = data.matrix();
    assertThat(MiniLm.isMiniLm(m)).isTrue();
    // The same values in another array, as a model folder or .npy file would give them.
    float[] copy = m.compact().backingArray().clone();
    assertThat(MiniLm.isMiniLm(EmbeddingMatrix.wrap(copy, 30_522, 384))).isTrue();
    // One ulp in one hashed row (row 97), or a row fewer: another matrix.
    copy[97 * 384 + 5] = Math.nextUp(copy[97 * 384 + 5]);
    assertThat(MiniLm.isMiniLm(EmbeddingMatrix.wrap(copy, 30_522, 384))).isFalse();
    assertThat(MiniLm.isMiniLm(m.slice(0, 30_521))).isFalse();
    assertThat(MiniLm.isMiniLm(EmbeddingMatrix.wrap(new float[384 * 2], 2, 384))).isFalse();
  }

  @Test
  void listsTheWordEmbeddingInitializer() throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(MiniLm.MODEL_RESOURCE)) {
      OnnxInitializers onnx = OnnxInitializers.read("minilm", in);
      OnnxInitializer w =
          onnx.list().stream()
              .filter(i -> i.name().equals(MiniLm.INITIALIZER))
              .findFirst()
              .orElseThrow();
      assertThat(w.dtype()).isEqualTo(DType.F32);
      assertThat(w.dims()).containsExactly(30522, 384);
      assertThat(onnx.list().size()).isGreaterThan(50);
    }
  }

  @Test
  void decodesIdsAsPythonTokenizersDoes() {
    var t = data.tokenizer();
    assertThat(t.size()).isEqualTo(30522);
    assertThat(t.decode(0)).isEqualTo("[PAD]");
    assertThat(t.decode(1)).isEqualTo("[unused0]");
    assertThat(t.decode(100)).isEqualTo("[UNK]");
    assertThat(t.decode(101)).isEqualTo("[CLS]");
    assertThat(t.decode(7592)).isEqualTo("hello");
    assertThat(t.decode(2088)).isEqualTo("world");
    assertThat(t.decode(2075)).isEqualTo("##ing");
    assertThat(t.decode(new int[] {7592, 2088})).isEqualTo("hello world");
    assertThat(t.decode(30522)).isEmpty();
    assertThat(t.decode(1_000_000)).isEmpty();
    assertThat(t.decode(-1)).isEmpty();
  }
}
