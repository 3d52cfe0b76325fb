package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.EmbeddingSources;
import io.github.embeddinggeometry.io.MetricFiles;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import io.github.embeddinggeometry.metric.CausalMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves {@code --model}, {@code --tokenizer} and {@code --metric} through the library's loaders
 * ({@link EmbeddingSources}, {@link MetricFiles}), so the command line picks exactly the tensor a
 * library user gets. Its only job is to turn their exceptions into one-line {@link
 * UserInputException}s naming the argument.
 */
final class ModelLoader {
  private ModelLoader() {}

  /**
   * W plus the tokenizer that decodes its ids (null when there is none).
   *
   * @param isMinilm whether W is all-MiniLM-L6-v2's, by content ({@link MiniLm#isMiniLm}), however
   *     --model named it: its defaults (box, eps) then apply
   */
  record Model(String name, EmbeddingMatrix matrix, HfTokenizer vocab, boolean isMinilm)
      implements AutoCloseable {
    /**
     * The exact decoded text of one id ("" for ids the tokenizer does not know), null when the
     * model has no tokenizer. Data, not display: reports store it as is.
     */
    String rawText(int id) {
      return vocab == null ? null : vocab.decode(id);
    }

    @Override
    public void close() {
      if (vocab != null) {
        vocab.close();
      }
    }
  }

  static Model load(String spec, Path tokenizer, ProgressListener progress) {
    EmbeddingSources.Source src;
    try {
      src = EmbeddingSources.open(spec, progress);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new UserInputException("--model " + spec + ": " + e.getMessage(), e);
    }
    HfTokenizer vocab = src.tokenizer();
    if (tokenizer != null) {
      src.close();
      vocab = tokenizer(tokenizer);
    }
    Model m = new Model(src.name(), src.matrix(), vocab, MiniLm.isMiniLm(src.matrix()));
    if (m.matrix().rows() < 2) {
      m.close();
      throw new UserInputException(
          "--model "
              + spec
              + ": the matrix has "
              + m.matrix().rows()
              + " row(s); the analyses need at least 2");
    }
    int bad = m.matrix().firstNonFiniteRow();
    if (bad >= 0) {
      m.close();
      throw new UserInputException("--model " + spec + ": row " + bad + " holds NaN or infinity");
    }
    return m;
  }

  /** The metric tensor M from a file: .pt dict entry 'M', .safetensors[:TENSOR] or .npy. */
  static CausalMetric readMetric(String spec, int d) {
    try {
      return MetricFiles.read(spec, d);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new UserInputException("--metric " + spec + ": " + e.getMessage(), e);
    }
  }

  private static HfTokenizer tokenizer(Path tokenizerJson) {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new UserInputException("--tokenizer " + tokenizerJson + ": no such file");
    }
    try {
      return HfTokenizer.open(tokenizerJson);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new UserInputException("--tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
  }
}
