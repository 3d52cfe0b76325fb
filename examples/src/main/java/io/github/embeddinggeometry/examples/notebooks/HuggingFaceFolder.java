package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.cli.TokenText;
import io.github.embeddinggeometry.io.HfModelDirectory;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.Tensor;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loading W from a Hugging Face model folder, as the notebooks do with {@code transformers}, but
 * without Python: {@code config.json}, {@code model.safetensors} (or shards listed by {@code
 * model.safetensors.index.json}) and {@code tokenizer.json}. W is {@code lm_head.weight}, or the
 * input embedding when {@code tie_word_embeddings} allows it. Run it with {@code ./geometry example
 * hf-folder [FOLDER]}; without a FOLDER the default dataset is first written as such a folder
 * (out/examples/all-MiniLM-L6-v2/), so the example runs offline.
 *
 * @since 0.1
 */
public final class HuggingFaceFolder {
  /** Where the example writes the default dataset as a model folder when given none. */
  public static final Path DEFAULT_FOLDER = Path.of("out/examples", MiniLm.NAME);

  private HuggingFaceFolder() {}

  /** Opens the folder, reports what it found and the cosine neighbours of a few words. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    Path dir = args.length > 0 ? Path.of(args[0]) : writeMiniLm(DEFAULT_FOLDER);
    try (HfModelDirectory model = HfModelDirectory.open(dir);
        HfTokenizer tokenizer = model.tokenizer()) {
      out.printf(Locale.ROOT, "Folder: %s (%d tensors)%n", dir, model.tensorNames().size());
      String name = model.embeddingTensorName();
      Tensor t = model.tensor(name);
      out.printf(
          Locale.ROOT,
          "W: %s, %s %s (tie_word_embeddings: %s)%n",
          name,
          t.dtype(),
          Arrays.toString(t.shape()),
          model.tieWordEmbeddings());
      EmbeddingMatrix w = model.embeddingMatrix(NONE); // widened to float32
      out.printf(Locale.ROOT, "Tokenizer: %,d ids; W has %,d rows%n", tokenizer.size(), w.rows());

      // A first look: the nearest tokens of a few words in cosine similarity.
      int[] ids = find(tokenizer, List.of("king", "paris", "walked"));
      try (DistanceKernel cosine = Backends.get().distanceKernel(MetricSpace.cosine())) {
        Neighbours n = cosine.nearest(w.select(ids), w, 5, NONE);
        for (int q = 0; q < ids.length; q++) {
          StringBuilder line = new StringBuilder(TokenText.display(tokenizer.decode(ids[q])) + ":");
          for (int r = 0; r < n.k(); r++) {
            line.append(' ').append(TokenText.display(tokenizer.decode(n.id(q, r))));
          }
          out.println(line);
        }
      }
    }
  }

  /** Ids whose decoded text is one of the words (a BPE vocabulary may prefix a space). */
  static int[] find(HfTokenizer tokenizer, List<String> words) {
    int[] ids = new int[words.size()];
    int found = 0;
    for (int id = 0; id < tokenizer.size() && found < ids.length; id++) {
      if (words.contains(tokenizer.decode(id).strip().toLowerCase(Locale.ROOT))) {
        ids[found++] = id;
      }
    }
    return Arrays.copyOf(ids, found);
  }

  /** Writes all-MiniLM-L6-v2's word embeddings and tokenizer as a model folder. */
  static Path writeMiniLm(Path dir) throws IOException {
    Files.createDirectories(dir);
    EmbeddingMatrix w = MiniLm.loadMatrix();
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        List.of(Tensors.of(MiniLm.INITIALIZER, w.backingArray(), w.rows(), w.dim())));
    try (InputStream in =
        MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.TOKENIZER_RESOURCE)) {
      Files.copy(in, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }
}
