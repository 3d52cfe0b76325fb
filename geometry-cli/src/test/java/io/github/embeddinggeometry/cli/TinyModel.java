package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A small Hugging Face model folder written by the tests: config.json, model.safetensors holding
 * {@code model.embed_tokens.weight} (tied embeddings, no lm_head) and a WordPiece tokenizer.json.
 *
 * <p>Rows: Gaussian noise (sigma 1) except a planted cluster, rows {@link #CLUSTER_FROM}..{@link
 * #CLUSTER_TO} within 0.002 of one point, and a group of exact copies of row {@link #DUP_OF} at
 * rows {@link #DUPS_FROM}..{@link #DUPS_TO}, so that with k = 5 seven rows have infinite density.
 */
final class TinyModel {
  static final int N = 240;
  static final int D = 12;
  static final int CLUSTER_FROM = 10;
  static final int CLUSTER_TO = 49;
  static final int DUP_OF = 100;
  static final int DUPS_FROM = 101;
  static final int DUPS_TO = 106;

  final Path dir;
  final double[][] w = new double[N][D];

  TinyModel(Path dir) throws IOException {
    this.dir = dir;
    Random rnd = new Random(20240601L);
    float[] flat = new float[N * D];
    double[] centre = new double[D];
    for (int j = 0; j < D; j++) {
      centre[j] = 3 + rnd.nextGaussian() * 0.1;
    }
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        double v;
        if (i >= CLUSTER_FROM && i <= CLUSTER_TO) {
          v = centre[j] + (rnd.nextDouble() - 0.5) * 0.002;
        } else if (i >= DUPS_FROM && i <= DUPS_TO) {
          v = flat[DUP_OF * D + j];
        } else {
          v = rnd.nextGaussian();
        }
        flat[i * D + j] = (float) v;
        w[i][j] = flat[i * D + j];
      }
    }
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config.json"),
        "{\"architectures\":[\"TinyForCausalLM\"],\"tie_word_embeddings\":true,"
            + "\"hidden_size\":"
            + D
            + ",\"vocab_size\":"
            + N
            + "}");
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        List.of(Tensors.of("model.embed_tokens.weight", flat, N, D)));
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < N; i++) {
      String json = token(i).replace("\u001b", "\\u001b");
      vocab.append(i == 0 ? "" : ",").append('"').append(json).append("\":").append(i);
    }
    String tokenizer =
        "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
            + "\"added_tokens\":[],\"normalizer\":null,"
            + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":null,"
            + "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
            + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
            + "\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,"
            + "\"vocab\":{"
            + vocab
            + "}}}";
    Files.writeString(dir.resolve("tokenizer.json"), tokenizer, StandardCharsets.UTF_8);
  }

  /** A token that is one space: reports keep it as is, the terminal shows it quoted. */
  static final int SPACE = DUPS_FROM;

  /** A token holding an escape sequence (clear screen): the terminal must never receive it. */
  static final int ESCAPE = DUPS_FROM + 1;

  /** The token text of id i: [PAD], [UNK], then tok2, tok3 ..., and the two above. */
  static String token(int i) {
    if (i == SPACE) {
      return " ";
    }
    if (i == ESCAPE) {
      return "\u001b[2J";
    }
    return i == 0 ? "[PAD]" : i == 1 ? "[UNK]" : "tok" + i;
  }

  double dist(int a, int b) {
    double s = 0;
    for (int j = 0; j < D; j++) {
      double t = w[a][j] - w[b][j];
      s += t * t;
    }
    return Math.sqrt(s);
  }
}
