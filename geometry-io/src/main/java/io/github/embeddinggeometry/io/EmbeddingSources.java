package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.onnx.OnnxInitializer;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.TensorInfo;
import io.github.embeddinggeometry.io.tensor.Tensor;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import io.github.embeddinggeometry.io.torch.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Opens an embedding matrix W from what a researcher has on disk, by one rule for every caller (the
 * {@code geometry} command line included):
 *
 * <ul>
 *   <li>{@code minilm}: the bundled all-MiniLM-L6-v2 vocabulary ({@link MiniLm});
 *   <li>a Hugging Face model folder ({@link HfModelDirectory}: {@code lm_head.weight}, or the input
 *       embedding when the embeddings are tied), with the folder's {@code tokenizer.json};
 *   <li>{@code FILE.safetensors[:TENSOR]}: without a name, the only tensor of the file, else {@code
 *       lm_head.weight}, an input-embedding name, or a tensor named {@code W};
 *   <li>{@code FILE.npy}: the array;
 *   <li>{@code FILE.onnx[:INITIALIZER]}: without a name, {@value #DEFAULT_ONNX_INITIALIZER}, else
 *       the one rank-2 initializer named {@code *word_embeddings.weight}, else the only rank-2 one;
 *   <li>{@code FILE.pt:KEY}: a tensor in a {@code torch.save}d dict, read without executing
 *       anything.
 * </ul>
 *
 * The tensor must be rank 2 with at most 2^31-1 elements; every dtype is widened to float32 (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#loading-an-embedding-matrix">loading
 * an embedding matrix</a>).
 *
 * <p>{@code minilm} and {@code FILE.onnx} need {@code com.google.protobuf:protobuf-java}, and a
 * tokenizer ({@link #open(String, ProgressListener)} of {@code minilm} or of a folder with a {@code
 * tokenizer.json}) needs {@code ai.djl.huggingface:tokenizers}: optional dependencies of
 * geometry-io that the application declares (<a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/io.html">reading files</a>); without
 * them these throw an {@link IOException} naming the artifact. {@link #load(String,
 * ProgressListener)} opens no tokenizer.
 *
 * @since 0.1
 */
public final class EmbeddingSources {
  private EmbeddingSources() {}

  /** Default ONNX initializer: the word embeddings of BERT-family models. */
  public static final String DEFAULT_ONNX_INITIALIZER = "embeddings.word_embeddings.weight";

  /** The spec that names the bundled all-MiniLM-L6-v2 vocabulary. */
  public static final String MINILM = "minilm";

  /**
   * W together with what the source knows about it.
   *
   * @param name a short display name (the folder or file name, with the tensor name)
   * @param matrix W, row i = vocabulary id i
   * @param tokenizer the tokenizer that decodes the ids (a model folder's {@code tokenizer.json},
   *     MiniLM's), or null when the source has none; closed with this record
   * @since 0.1
   */
  public record Source(String name, EmbeddingMatrix matrix, HfTokenizer tokenizer)
      implements AutoCloseable {
    /**
     * Requires a name and a matrix.
     *
     * @param name a short display name
     * @param matrix W
     * @param tokenizer its tokenizer, or null
     * @throws NullPointerException if {@code name} or {@code matrix} is null
     */
    public Source {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(matrix, "matrix");
    }

    @Override
    public void close() {
      if (tokenizer != null) {
        tokenizer.close();
      }
    }
  }

  /**
   * Loads W from a spec (see the class comment).
   *
   * @param spec what to load
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return W, row i = vocabulary id i
   * @throws java.io.FileNotFoundException if the path does not exist
   * @throws IllegalArgumentException for an unknown file type, a missing or ambiguous tensor name
   *     (the message lists the names), or a tensor that is not a matrix
   * @throws IOException if reading fails; a {@link
   *     io.github.embeddinggeometry.io.tensor.MalformedFileException} for a broken file
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static EmbeddingMatrix load(String spec, ProgressListener progress) throws IOException {
    return open(spec, false, progress).matrix();
  }

  /**
   * Loads W and, where the source has one, its tokenizer. The caller closes the result.
   *
   * @param spec what to open (see the class comment)
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return W, its display name and its tokenizer (null when the source has none)
   * @throws java.io.FileNotFoundException if the path does not exist
   * @throws IllegalArgumentException as {@link #load(String, ProgressListener)}
   * @throws IOException if reading fails; a {@link
   *     io.github.embeddinggeometry.io.tensor.MalformedFileException} for a broken file
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static Source open(String spec, ProgressListener progress) throws IOException {
    return open(spec, true, progress);
  }

  private static Source open(String spec, boolean withTokenizer, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(progress, "progress");
    if (spec.equals(MINILM)) {
      if (!withTokenizer) {
        return new Source(MiniLm.NAME, MiniLm.loadMatrix(), null);
      }
      MiniLm.Dataset d = MiniLm.load();
      return new Source(MiniLm.NAME, d.matrix(), d.tokenizer());
    }
    SpecPath sp =
        SpecPath.parse(
            spec,
            MINILM
                + ", a model folder, FILE.safetensors[:TENSOR], FILE.npy, FILE.onnx[:INITIALIZER] or"
                + " FILE.pt:KEY");
    Path path = sp.path();
    String name = sp.name();
    String display = String.valueOf(path.getFileName()) + (name == null ? "" : ":" + name);
    if (Files.isDirectory(path)) {
      try (HfModelDirectory d = HfModelDirectory.open(path)) {
        String t = name != null ? name : d.embeddingTensorName();
        EmbeddingMatrix m = matrix(d.tensor(t), path, t, progress);
        Path tok = path.resolve("tokenizer.json");
        return new Source(display, m, withTokenizer && Files.exists(tok) ? d.tokenizer() : null);
      }
    }
    return new Source(display, load(path, name, progress), null);
  }

  /**
   * Loads W from a file (or a model folder) and an optional tensor name.
   *
   * @param path a file, or a model folder
   * @param name the tensor or initializer name, or null for the format's default
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return W, row i = vocabulary id i
   * @throws IllegalArgumentException as {@link #load(String, ProgressListener)}
   * @throws IOException if reading fails; a {@link
   *     io.github.embeddinggeometry.io.tensor.MalformedFileException} for a broken file
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public static EmbeddingMatrix load(Path path, String name, ProgressListener progress)
      throws IOException {
    if (Files.isDirectory(path)) {
      try (HfModelDirectory d = HfModelDirectory.open(path)) {
        String t = name != null ? name : d.embeddingTensorName();
        return matrix(d.tensor(t), path, t, progress);
      }
    }
    RegularFiles.require(path);
    String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".safetensors")) {
      try (SafetensorsFile f = SafetensorsFile.open(path)) {
        String t = name != null ? name : defaultSafetensorsName(f);
        requireName(f.contains(t), path, t, names(f));
        return matrix(f.tensor(t), path, t, progress);
      }
    }
    if (file.endsWith(".npy")) {
      if (name != null) {
        throw new IllegalArgumentException(
            path + ": a .npy file holds one array; drop ':" + name + "'");
      }
      try (NpyFile f = NpyFile.open(path)) {
        return matrix(f.tensor(), path, "array", progress);
      }
    }
    if (file.endsWith(".onnx")) {
      OnnxInitializers onnx = OnnxInitializers.open(path);
      String t = name != null ? name : defaultOnnxName(onnx, path);
      List<String> all = new ArrayList<>();
      onnx.list().forEach(i -> all.add(i.name()));
      requireName(onnx.contains(t), path, t, all);
      return matrix(onnx.tensor(t), path, t, progress);
    }
    if (file.endsWith(".pt") || file.endsWith(".pth") || file.endsWith(".bin")) {
      Map<String, Object> d = TorchCheckpoint.loadDict(path);
      if (name == null) {
        throw new IllegalArgumentException(
            path + ": name the tensor as " + path + ":KEY; keys: " + Excerpt.names(d.keySet(), 8));
      }
      return matrix(TorchCheckpoint.tensor(d, name), path, name, progress);
    }
    throw new IllegalArgumentException(
        path
            + ": unknown file type (expected a model folder,"
            + " .safetensors, .npy, .onnx or .pt)");
  }

  private static EmbeddingMatrix matrix(
      Tensor t, Path path, String name, ProgressListener progress) {
    if (t.rank() != 2) {
      throw new IllegalArgumentException(
          "tensor "
              + Excerpt.quote(name)
              + " in "
              + path
              + " has shape "
              + RegionTensor.shapeText(t.shape())
              + "; need a 2-D [rows, dim] matrix");
    }
    return t.toEmbeddingMatrix(progress);
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
    throw new IllegalArgumentException(
        f.source()
            + " holds "
            + all.size()
            + " tensors and none is a known embedding; name one as "
            + f.source()
            + ":TENSOR"
            + " (tensors: "
            + Excerpt.names(names(f), 8)
            + ")");
  }

  private static String defaultOnnxName(OnnxInitializers onnx, Path path) {
    if (onnx.contains(DEFAULT_ONNX_INITIALIZER)) {
      return DEFAULT_ONNX_INITIALIZER;
    }
    List<String> words = new ArrayList<>();
    List<String> matrices = new ArrayList<>();
    for (OnnxInitializer i : onnx.list()) {
      if (i.dims().length == 2) {
        matrices.add(i.name());
        if (i.name().endsWith("word_embeddings.weight")) {
          words.add(i.name());
        }
      }
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    if (words.isEmpty() && matrices.size() == 1) {
      return matrices.get(0);
    }
    throw new IllegalArgumentException(
        path
            + " holds "
            + matrices.size()
            + " matrices and no single word-embedding initializer; name one as "
            + path
            + ":INITIALIZER (matrices: "
            + Excerpt.names(matrices, 8)
            + ")");
  }

  private static List<String> names(SafetensorsFile f) {
    List<String> out = new ArrayList<>();
    for (TensorInfo t : f.tensors()) {
      out.add(t.name());
    }
    return out;
  }

  private static void requireName(boolean present, Path path, String name, List<String> names) {
    if (!present) {
      throw new IllegalArgumentException(
          "no tensor '" + name + "' in " + path + " (tensors: " + Excerpt.names(names, 8) + ")");
    }
  }
}
