package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.TensorInfo;
import io.github.embeddinggeometry.io.torch.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens an embedding matrix W from what a researcher has on disk (spec section 1):
 *
 * <ul>
 *   <li>a Hugging Face model directory ({@link HfModelDirectory}: {@code lm_head.weight} or the
 *       tied input embedding);
 *   <li>{@code file.safetensors[:tensor]}: without a name, the only tensor of the file, else the
 *       directory rules ({@code lm_head.weight}, input-embedding names), else a tensor named
 *       {@code W};
 *   <li>{@code file.npy}: the array;
 *   <li>{@code file.onnx[:initializer]}: default {@code embeddings.word_embeddings.weight};
 *   <li>{@code file.pt:key}: a tensor in a {@code torch.save}d dict (read without executing).
 * </ul>
 *
 * The tensor must be rank 2 with at most 2^31-1 elements; any dtype is widened to float32.
 *
 * @since 0.1
 */
public final class EmbeddingSources {
  private EmbeddingSources() {}

  /** Default ONNX initializer: the word embeddings of BERT-family models. */
  public static final String DEFAULT_ONNX_INITIALIZER = "embeddings.word_embeddings.weight";

  /** Same as {@link #load(String, ProgressListener)} without progress. */
  public static EmbeddingMatrix load(String spec) throws IOException {
    return load(spec, ProgressListener.NONE);
  }

  /**
   * Loads W from a path, optionally suffixed with {@code :name} to pick a tensor.
   *
   * @throws java.io.FileNotFoundException if the path does not exist
   * @throws IllegalArgumentException for an unknown extension or tensor name (listing the names)
   */
  public static EmbeddingMatrix load(String spec, ProgressListener progress) throws IOException {
    Path path = Path.of(spec);
    String name = null;
    if (!Files.exists(path)) {
      int colon = spec.lastIndexOf(':');
      if (colon > 0 && Files.exists(Path.of(spec.substring(0, colon)))) {
        path = Path.of(spec.substring(0, colon));
        name = spec.substring(colon + 1);
      } else {
        throw new java.io.FileNotFoundException(spec + " does not exist");
      }
    }
    return load(path, name, progress);
  }

  /**
   * Loads W from a path and an optional tensor name (null: the format's default).
   */
  public static EmbeddingMatrix load(Path path, String name, ProgressListener progress)
      throws IOException {
    if (Files.isDirectory(path)) {
      try (HfModelDirectory d = HfModelDirectory.open(path)) {
        return name == null ? d.embeddingMatrix(progress) : d.tensor(name).toEmbeddingMatrix(progress);
      }
    }
    String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".safetensors")) {
      try (SafetensorsFile f = SafetensorsFile.open(path)) {
        return f.tensor(name != null ? name : defaultSafetensorsName(f)).toEmbeddingMatrix(progress);
      }
    }
    if (file.endsWith(".npy")) {
      try (NpyFile f = NpyFile.open(path)) {
        return f.tensor().toEmbeddingMatrix(progress);
      }
    }
    if (file.endsWith(".onnx")) {
      return OnnxInitializers.open(path).tensor(name != null ? name : DEFAULT_ONNX_INITIALIZER)
          .toEmbeddingMatrix(progress);
    }
    if (file.endsWith(".pt") || file.endsWith(".pth") || file.endsWith(".bin")) {
      Map<String, Object> d = TorchCheckpoint.loadDict(path);
      if (name == null) {
        throw new IllegalArgumentException(path + ": name the tensor as " + path + ":KEY; keys: " + d.keySet());
      }
      return TorchCheckpoint.tensor(d, name).toEmbeddingMatrix(progress);
    }
    throw new IllegalArgumentException(path + ": unknown file type (expected a model directory,"
        + " .safetensors, .npy, .onnx or .pt)");
  }

  private static String defaultSafetensorsName(SafetensorsFile f) {
    List<TensorInfo> all = f.tensors();
    if (all.size() == 1) {
      return all.get(0).name();
    }
    if (f.contains(HfModelDirectory.OUTPUT_EMBEDDING_NAME)) {
      return HfModelDirectory.OUTPUT_EMBEDDING_NAME;
    }
    for (String n : HfModelDirectory.INPUT_EMBEDDING_NAMES) {
      if (f.contains(n)) {
        return n;
      }
    }
    if (f.contains("W")) {
      return "W";
    }
    throw new IllegalArgumentException(f.source() + " holds " + all.size()
        + " tensors and none is a known embedding; name one as " + f.source() + ":NAME");
  }
}
