package io.github.embeddinggeometry.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.internal.StrictJson;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Hugging Face model directory: {@code config.json} plus {@code model.safetensors}, or shards
 * listed by {@code model.safetensors.index.json}. Shards are opened (mapped) when first needed.
 *
 * <p>The embedding matrix W is resolved as <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#loading-an-embedding-matrix">loading
 * an embedding matrix</a> says: {@code lm_head.weight} when the checkpoint has it; otherwise, when
 * {@code tie_word_embeddings} is true, the input embedding (the first present of {@link
 * #INPUT_EMBEDDING_NAMES}). <b>Choice:</b> a config without the key (or no config.json at all)
 * counts as tied, as transformers' {@code PretrainedConfig} defaults {@code
 * tie_word_embeddings=True}; BERT-family configs rely on that default.
 *
 * @since 0.1
 */
public final class HfModelDirectory implements AutoCloseable {
  /** The output head, preferred when present. */
  public static final String OUTPUT_EMBEDDING_NAME = "lm_head.weight";

  /** Input-embedding tensor names of common architectures, tried in this order. */
  public static final List<String> INPUT_EMBEDDING_NAMES =
      List.of(
          "model.embed_tokens.weight", // Llama, Qwen, Mistral, Gemma
          "embed_tokens.weight",
          "transformer.wte.weight", // GPT-2
          "wte.weight",
          "gpt_neox.embed_in.weight", // Pythia
          "model.decoder.embed_tokens.weight", // OPT
          "transformer.word_embeddings.weight", // Bloom, Falcon
          "word_embeddings.weight",
          "bert.embeddings.word_embeddings.weight", // BERT with heads
          "embeddings.word_embeddings.weight", // BertModel, MiniLM
          "roberta.embeddings.word_embeddings.weight",
          "shared.weight"); // T5

  private final Path dir;
  private final JsonNode config;

  /** Tensor name -> shard file name. */
  private final Map<String, String> weightMap;

  private final Map<String, SafetensorsFile> open = new LinkedHashMap<>();

  private HfModelDirectory(Path dir, JsonNode config, Map<String, String> weightMap) {
    this.dir = dir;
    this.config = config;
    this.weightMap = weightMap;
  }

  /**
   * Opens a directory: reads config.json (if present) and the shard index or the single file's
   * header. The caller closes it.
   *
   * @param dir the model folder
   * @return the opened directory; shards are mapped when first needed
   * @throws MalformedFileException for a broken config, index or header
   * @throws java.io.FileNotFoundException if the directory holds no safetensors checkpoint
   * @throws IOException if reading fails
   */
  public static HfModelDirectory open(Path dir) throws IOException {
    Path cfgPath = dir.resolve("config.json");
    JsonNode config = null;
    if (Files.exists(cfgPath)) {
      config = StrictJson.parse(cfgPath.toString(), "config.json", Files.readAllBytes(cfgPath));
      if (!config.isObject()) {
        throw new MalformedFileException(cfgPath.toString(), "config.json is not a JSON object");
      }
    }
    Path index = dir.resolve("model.safetensors.index.json");
    Path single = dir.resolve("model.safetensors");
    Map<String, String> map = new LinkedHashMap<>();
    HfModelDirectory d;
    if (Files.exists(index)) {
      JsonNode root = StrictJson.parse(index.toString(), "shard index", Files.readAllBytes(index));
      JsonNode wm = root.get("weight_map");
      if (wm == null || !wm.isObject()) {
        throw new MalformedFileException(
            index.toString(), "shard index has no \"weight_map\" object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String shard = e.getValue().isTextual() ? e.getValue().textValue() : null;
        if (shard == null
            || shard.isEmpty()
            || shard.contains("/")
            || shard.contains("\\")
            || shard.startsWith(".")) {
          throw new MalformedFileException(
              index.toString(),
              "weight_map entry \""
                  + e.getKey()
                  + "\" names shard "
                  + e.getValue()
                  + ", not a file name in the directory");
        }
        map.put(e.getKey(), shard);
      }
      d = new HfModelDirectory(dir, config, map);
    } else if (Files.exists(single)) {
      SafetensorsFile f = SafetensorsFile.open(single);
      for (var t : f.tensors()) {
        map.put(t.name(), "model.safetensors");
      }
      d = new HfModelDirectory(dir, config, map);
      d.open.put("model.safetensors", f);
    } else {
      throw new java.io.FileNotFoundException(
          dir
              + ": no model.safetensors or"
              + " model.safetensors.index.json (only safetensors checkpoints are supported)");
    }
    return d;
  }

  /**
   * The directory.
   *
   * @return the path given to {@link #open}
   */
  public Path directory() {
    return dir;
  }

  /**
   * {@code tie_word_embeddings} from config.json.
   *
   * @return the flag; true when absent (transformers' default)
   */
  public boolean tieWordEmbeddings() {
    JsonNode t = config == null ? null : config.get("tie_word_embeddings");
    return t == null || t.isNull() || t.asBoolean(true);
  }

  /**
   * All tensor names.
   *
   * @return an unmodifiable sorted set
   */
  public Set<String> tensorNames() {
    return Collections.unmodifiableSet(new TreeSet<>(weightMap.keySet()));
  }

  /**
   * The name of W: {@code lm_head.weight}, or the input embedding when the embeddings are tied.
   *
   * @return a tensor name of this checkpoint
   * @throws MalformedFileException when neither an output head nor (if tied) an input embedding is
   *     present
   */
  public String embeddingTensorName() throws MalformedFileException {
    if (weightMap.containsKey(OUTPUT_EMBEDDING_NAME)) {
      return OUTPUT_EMBEDDING_NAME;
    }
    if (!tieWordEmbeddings()) {
      throw new MalformedFileException(
          dir.toString(),
          "checkpoint has no "
              + OUTPUT_EMBEDDING_NAME
              + " and config.json sets tie_word_embeddings=false, so the input embedding is not W");
    }
    for (String n : INPUT_EMBEDDING_NAMES) {
      if (weightMap.containsKey(n)) {
        return n;
      }
    }
    throw new MalformedFileException(
        dir.toString(),
        "no " + OUTPUT_EMBEDDING_NAME + " and no input embedding among " + INPUT_EMBEDDING_NAMES);
  }

  /**
   * One tensor, lazily, opening its shard if needed.
   *
   * @param name a tensor name of this checkpoint
   * @return a lazy view of the tensor's data
   * @throws IllegalArgumentException if no tensor has that name
   * @throws MalformedFileException if the shard is broken or lacks the tensor its index names
   * @throws IOException if reading fails
   */
  public synchronized Tensor tensor(String name) throws IOException {
    String shard = weightMap.get(name);
    if (shard == null) {
      throw new IllegalArgumentException(dir + " has no tensor \"" + name + "\"");
    }
    SafetensorsFile f = open.get(shard);
    if (f == null) {
      f = SafetensorsFile.open(dir.resolve(shard));
      open.put(shard, f);
    }
    if (!f.contains(name)) {
      throw new MalformedFileException(
          f.source(), "shard index maps \"" + name + "\" to this shard, but it has no such tensor");
    }
    return f.tensor(name);
  }

  /**
   * W widened to float32 (see <a
   * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#loading-an-embedding-matrix">loading
   * an embedding matrix</a>).
   *
   * @param progress receives progress (rows) and may cancel. Not modified.
   * @return W, row i = vocabulary id i
   * @throws MalformedFileException if the folder does not say which tensor is W, or that tensor is
   *     broken
   * @throws IOException if reading fails
   * @throws java.util.concurrent.CancellationException if {@code progress} cancels
   */
  public EmbeddingMatrix embeddingMatrix(ProgressListener progress) throws IOException {
    return tensor(embeddingTensorName()).toEmbeddingMatrix(progress);
  }

  /**
   * As {@link #embeddingMatrix(ProgressListener)}, without progress reports.
   *
   * @return W, row i = vocabulary id i
   * @throws MalformedFileException if the folder does not say which tensor is W, or that tensor is
   *     broken
   * @throws IOException if reading fails
   */
  public EmbeddingMatrix embeddingMatrix() throws IOException {
    return embeddingMatrix(ProgressListener.NONE);
  }

  /**
   * The directory's {@code tokenizer.json}. The caller closes it.
   *
   * @return the tokenizer
   * @throws java.nio.file.NoSuchFileException if the folder has no tokenizer.json
   * @throws IOException if reading fails; a {@link MalformedFileException} for a broken file
   */
  public HfTokenizer tokenizer() throws IOException {
    return HfTokenizer.open(dir.resolve("tokenizer.json"));
  }

  /** Closes every opened shard; idempotent. */
  @Override
  public synchronized void close() {
    for (SafetensorsFile f : open.values()) {
      f.close();
    }
    open.clear();
  }
}
