package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import io.github.embeddinggeometry.io.torch.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader's {@code open(Path)} refuses a FIFO (reading it would block forever) and a folder
 * before opening it. The timeout only turns a hang into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NonRegularFilesTest {
  @TempDir Path dir;

  private Path fifo(String name) throws Exception {
    Path p = dir.resolve(name);
    Process mk = new ProcessBuilder("mkfifo", p.toString()).start();
    assumeTrue(mk.waitFor() == 0 && Files.exists(p), "mkfifo is not available");
    return p;
  }

  private Map<String, ThrowingCallable> readers(Path p) {
    Map<String, ThrowingCallable> r = new LinkedHashMap<>();
    r.put("safetensors", () -> SafetensorsFile.open(p));
    r.put("npy", () -> NpyFile.open(p));
    r.put("onnx", () -> OnnxInitializers.open(p));
    r.put("torch", () -> TorchCheckpoint.load(p));
    r.put("tokenizer", () -> HfTokenizer.open(p));
    r.put("frame", () -> ReferenceFrameFiles.load(p));
    r.put("metric", () -> MetricFiles.read(p.toString(), 2));
    r.put("sources", () -> EmbeddingSources.load(p.toString(), ProgressListener.NONE));
    return r;
  }

  @Test
  void fifosAreRefusedWithoutBlocking() throws Exception {
    for (String ext : new String[] {".safetensors", ".npy", ".onnx", ".pt", ".json"}) {
      Path p = fifo("pipe" + ext);
      for (Map.Entry<String, ThrowingCallable> e : readers(p).entrySet()) {
        if (e.getKey().equals("sources") && ext.equals(".json")) {
          continue; // an unknown file type, refused by name first
        }
        assertThatThrownBy(e.getValue())
            .as(e.getKey() + " on " + p)
            .isInstanceOf(IOException.class)
            .hasMessageContaining(p + " is a special file (FIFO, socket or device)");
      }
      Files.delete(p);
    }
  }

  @Test
  void foldersAreRefused() throws Exception {
    Path p = Files.createDirectories(dir.resolve("folder.npy"));
    for (Map.Entry<String, ThrowingCallable> e : readers(p).entrySet()) {
      if (e.getKey().equals("sources") || e.getKey().equals("tokenizer")) {
        continue; // a folder is a model folder to these (its tokenizer.json, its checkpoint)
      }
      assertThatThrownBy(e.getValue())
          .as(e.getKey())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(p + " is a folder, not a regular file");
    }
  }

  @Test
  void modelFolderFilesThatAreFifosAreRefused() throws Exception {
    for (String name : new String[] {"config.json", "model.safetensors.index.json"}) {
      Path model = Files.createDirectories(dir.resolve("model-" + name));
      Path p = model.resolve(name);
      new ProcessBuilder("mkfifo", p.toString()).start().waitFor();
      assumeTrue(Files.exists(p), "mkfifo is not available");
      assertThatThrownBy(() -> HfModelDirectory.open(model))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(p + " is a special file");
    }
    Path sharded = Files.createDirectories(dir.resolve("model-fifo-shard"));
    new ProcessBuilder("mkfifo", sharded.resolve("pipe.safetensors").toString()).start().waitFor();
    Files.writeString(
        sharded.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"lm_head.weight\":\"pipe.safetensors\"}}");
    assertThatThrownBy(() -> HfModelDirectory.open(sharded))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("names shard \"pipe.safetensors\", which is a special file");
    Path model = Files.createDirectories(dir.resolve("model-tokenizer"));
    Path tok = model.resolve("tokenizer.json");
    new ProcessBuilder("mkfifo", tok.toString()).start().waitFor();
    assertThatThrownBy(() -> HfTokenizer.open(model))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(tok + " is a special file");
  }
}
