package io.github.embeddinggeometry.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.HeapBudget;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.internal.StrictJson;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
  private boolean closed;

  private HfModelDirectory(Path dir, JsonNode config, Map<String, String> weightMap) {
    this.dir = dir;
    this.config = config;
    this.weightMap = weightMap;
  }

  /** Largest config.json read: they are kilobytes; the cap keeps a hostile one off the heap. */
  public static final int MAX_CONFIG_BYTES = 16 << 20;

  /** Largest shard index read, as large as a safetensors header may be. */
  public static final long MAX_INDEX_BYTES = SafetensorsFile.MAX_HEADER_BYTES;

  /**
   * Opens a directory: reads config.json (if present) and the shard index or the single file's
   * header. Shards are opened when a tensor in them is first asked for.
   *
   * <p>Shard names in the index must be file names in the directory: no path separators, not {@code
   * .} or {@code ..}. A shard may be a symbolic link (a Hugging Face cache links every file to a
   * blob elsewhere) as long as it resolves to a regular file.
   *
   * @param dir the model folder
   * @return the opened directory; the caller closes it
   * @throws MalformedFileException for a broken config, index or header, or a shard name that
   *     leaves the directory
   * @throws java.io.FileNotFoundException if the directory holds no safetensors checkpoint
   * @throws IOException naming the path if the directory or one of its files is not what it should
   *     be (a file instead of the directory, a FIFO or device instead of a file)
   */
  public static HfModelDirectory open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (!Files.exists(dir)) {
        throw new FileNotFoundException(dir + ": no such folder");
      }
      throw new IOException(dir + " is not a folder");
    }
    Path cfgPath = dir.resolve("config.json");
    JsonNode config = null;
    if (Files.exists(cfgPath)) {
      byte[] text = RegularFiles.readAll(cfgPath, "config.json", MAX_CONFIG_BYTES);
      config = StrictJson.parse(cfgPath.toString(), "config.json", text);
      if (!config.isObject()) {
        throw new MalformedFileException(cfgPath.toString(), "config.json is not a JSON object");
      }
    }
    Path index = dir.resolve("model.safetensors.index.json");
    Path single = dir.resolve("model.safetensors");
    HfModelDirectory d;
    if (Files.exists(index)) {
      d = new HfModelDirectory(dir, config, readIndex(dir, index));
    } else if (Files.exists(single)) {
      SafetensorsFile f = SafetensorsFile.open(single);
      Map<String, String> map = new LinkedHashMap<>();
      for (var t : f.tensors()) {
        map.put(t.name(), "model.safetensors");
      }
      d = new HfModelDirectory(dir, config, map);
      d.open.put("model.safetensors", f);
    } else {
      throw new FileNotFoundException(
          dir
              + ": no model.safetensors or"
              + " model.safetensors.index.json (only safetensors checkpoints are supported)");
    }
    return d;
  }

  /** The weight_map of a shard index, read by a streaming parser from the mapped file. */
  private static Map<String, String> readIndex(Path dir, Path index) throws IOException {
    RegularFiles.require(index);
    String source = index.toString();
    try (FileChannel ch = FileChannel.open(index, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > MAX_INDEX_BYTES) {
        throw new MalformedFileException(
            source, "shard index of " + size + " bytes exceeds the cap of " + MAX_INDEX_BYTES);
      }
      try (JsonParser p = StrictJson.parser(ByteRegion.map(ch, 0, size))) {
        return readIndex(dir, source, p, new HeapBudget(source, "shard index", size));
      } catch (MalformedFileException e) {
        throw e;
      } catch (IOException e) {
        throw StrictJson.malformed(source, "shard index", e);
      }
    }
  }

  private static Map<String, String> readIndex(
      Path dir, String source, JsonParser p, HeapBudget heap) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new MalformedFileException(source, "shard index is not a JSON object");
    }
    Set<String> keys = new HashSet<>();
    Map<String, String> map = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      heap.charge(HeapBudget.MAP_ENTRY_BYTES + HeapBudget.stringBytes(key));
      if (!keys.add(key)) {
        throw new MalformedFileException(
            source, "shard index has the key " + Excerpt.quote(key) + " twice");
      }
      if (key.equals("weight_map") && v == JsonToken.START_OBJECT) {
        map = readWeightMap(dir, source, p, heap);
      } else {
        p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
      throw new MalformedFileException(source, "shard index has content after its JSON object");
    }
    if (map == null) {
      throw new MalformedFileException(source, "shard index has no \"weight_map\" object");
    }
    return map;
  }

  private static Map<String, String> readWeightMap(
      Path dir, String source, JsonParser p, HeapBudget heap) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    Map<String, String> shards = new HashMap<>(); // one String per shard, however many tensors
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String tensor = p.currentName();
      JsonToken v = p.nextToken();
      String shard = v == JsonToken.VALUE_STRING ? p.getText() : null;
      if (shard == null || !isFileName(dir, shard)) {
        throw new MalformedFileException(
            source,
            "weight_map entry "
                + Excerpt.quote(tensor)
                + " names shard "
                + (shard == null ? "a JSON " + v : Excerpt.quote(shard))
                + ", not a file name in the directory");
      }
      String known = shards.get(shard);
      if (known == null) {
        Path file = dir.resolve(shard);
        // Links are followed (a Hugging Face cache links to blobs); what exists must be a file.
        // A missing shard is only an error once a tensor in it is asked for (partial downloads).
        if (Files.exists(file) && !Files.isRegularFile(file)) {
          throw new MalformedFileException(
              source,
              "weight_map entry "
                  + Excerpt.quote(tensor)
                  + " names shard "
                  + Excerpt.quote(shard)
                  + ", which is "
                  + (Files.isDirectory(file)
                      ? "a folder"
                      : "a special file (FIFO, socket or device)")
                  + ", not a regular file");
        }
        heap.charge(HeapBudget.MAP_ENTRY_BYTES + HeapBudget.stringBytes(shard));
        shards.put(shard, shard);
        known = shard;
      }
      heap.charge(HeapBudget.MAP_ENTRY_BYTES + HeapBudget.stringBytes(tensor));
      if (map.putIfAbsent(tensor, known) != null) {
        throw new MalformedFileException(
            source, "weight_map has the tensor " + Excerpt.quote(tensor) + " twice");
      }
    }
    return map;
  }

  /** True for a name that resolves to a direct child of {@code dir}, and nothing else. */
  private static boolean isFileName(Path dir, String name) {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\\') >= 0) {
      return false;
    }
    try {
      Path p = dir.resolve(name);
      return !Path.of(name).isAbsolute() && dir.equals(p.getParent());
    } catch (InvalidPathException e) {
      return false; // a NUL character, or a name the platform's paths cannot hold
    }
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
   * @throws IllegalStateException if this directory is closed
   * @throws MalformedFileException if the shard is broken or lacks the tensor its index names
   * @throws IOException if reading fails
   */
  public synchronized Tensor tensor(String name) throws IOException {
    if (closed) {
      // Otherwise the shard would be opened again, behind the caller's back.
      throw new IllegalStateException(dir + " is closed");
    }
    String shard = weightMap.get(name);
    if (shard == null) {
      throw new IllegalArgumentException(dir + " has no tensor " + Excerpt.quote(name));
    }
    SafetensorsFile f = open.get(shard);
    if (f == null) {
      // Follows symbolic links (a Hugging Face cache's blobs); what they reach must be a file.
      f = SafetensorsFile.open(dir.resolve(shard));
      open.put(shard, f);
    }
    if (!f.contains(name)) {
      throw new MalformedFileException(
          f.source(),
          "shard index maps " + Excerpt.quote(name) + " to this shard, but it has no such tensor");
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
   * The directory's {@code tokenizer.json}. The caller closes it.
   *
   * @return the tokenizer
   * @throws java.nio.file.NoSuchFileException if the folder has no tokenizer.json
   * @throws IOException if reading fails, or naming the artifact {@code
   *     ai.djl.huggingface:tokenizers} (an optional dependency, see {@link HfTokenizer}) when it is
   *     not on the class path; a {@link MalformedFileException} for a broken file
   */
  public HfTokenizer tokenizer() throws IOException {
    return HfTokenizer.open(dir.resolve("tokenizer.json"));
  }

  /** Closes every opened shard; idempotent. Tensors asked for afterwards fail. */
  @Override
  public synchronized void close() {
    closed = true;
    for (SafetensorsFile f : open.values()) {
      f.close();
    }
    open.clear();
  }
}
