package io.github.embeddinggeometry.io.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.embeddinggeometry.io.HfModelDirectory;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Any {@code config.json} and {@code model.safetensors.index.json} (the input split at its first
 * NUL byte; the first byte's low bits say which files exist) in a folder that also holds a valid
 * shard, a symbolic link to it, a folder with a shard's name and a file outside: the folder opens
 * and W reads, or the reader throws its documented exception (a {@link MalformedFileException},
 * {@link FileNotFoundException} for a missing shard, a plain {@link IOException} for a path that is
 * not a regular file), with a short one-line message.
 */
class HfModelDirectoryFuzzTest {
  private static final Path ROOT;
  private static final Path DIR;

  static {
    try {
      ROOT = Files.createTempDirectory("hf-fuzz");
      DIR = Files.createDirectories(ROOT.resolve("model"));
      SafetensorsWriter.write(
          DIR.resolve("model-00001-of-00002.safetensors"),
          List.of(
              Tensors.of("model.embed_tokens.weight", new float[] {1, 2, 3, 4, 5, 6}, 3, 2),
              Tensors.of("lm_head.weight", new float[] {7, 8}, 1, 2)));
      Files.createSymbolicLink(
          DIR.resolve("model-00002-of-00002.safetensors"),
          DIR.resolve("model-00001-of-00002.safetensors"));
      Files.createDirectories(DIR.resolve("folder.safetensors"));
      Files.writeString(ROOT.resolve("outside.safetensors"), "not in the folder");
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> FuzzChecks.deleteTree(ROOT), "hf-fuzz-cleanup"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DictionaryEntries({
    "weight_map",
    "tie_word_embeddings",
    "model.embed_tokens.weight",
    "lm_head.weight",
    "model-00001-of-00002.safetensors",
    "model-00002-of-00002.safetensors",
    "folder.safetensors",
    "../outside.safetensors",
    "\\u0000"
  })
  @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
  void resolve(byte[] data) throws IOException {
    int flags = data.length == 0 ? 3 : data[0];
    byte[] rest = data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    int nul = 0;
    while (nul < rest.length && rest[nul] != 0) {
      nul++;
    }
    write(DIR.resolve("config.json"), (flags & 1) != 0, Arrays.copyOf(rest, nul));
    write(
        DIR.resolve("model.safetensors.index.json"),
        (flags & 2) != 0,
        nul < rest.length ? Arrays.copyOfRange(rest, nul + 1, rest.length) : new byte[0]);
    try (HfModelDirectory d = HfModelDirectory.open(DIR)) {
      d.tieWordEmbeddings();
      for (String name : d.tensorNames()) {
        try {
          FuzzChecks.readAll(d.tensor(name));
        } catch (IOException e) {
          FuzzChecks.documented(e);
        }
      }
      FuzzChecks.readAll(d.tensor(d.embeddingTensorName()));
    } catch (IOException e) {
      FuzzChecks.documented(e);
    }
  }

  private static void write(Path p, boolean present, byte[] content) throws IOException {
    if (present) {
      Files.write(p, content);
    } else {
      Files.deleteIfExists(p);
    }
  }
}
