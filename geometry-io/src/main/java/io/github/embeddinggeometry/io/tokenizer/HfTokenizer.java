package io.github.embeddinggeometry.io.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.OptionalDependency;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Hugging Face {@code tokenizer.json} (byte-level BPE as in Qwen/GPT-2, WordPiece as in BERT,
 * ...) decoded by the Rust {@code tokenizers} library through DJL, so decoding matches Python's
 * {@code tokenizers} exactly. DJL is an optional dependency of geometry-io: the application
 * declares {@code ai.djl.huggingface:tokenizers} (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/io.html">reading files</a>); without it
 * {@link #open} and {@link #read} throw an {@link IOException} naming the artifact. DJL's native
 * library ships inside its jar for linux-x86_64, linux-aarch64, macOS aarch64 and Windows x86_64
 * and is extracted on first use, without network access, to {@code $ENGINE_CACHE_DIR/tokenizers} or
 * {@code $DJL_CACHE_DIR/tokenizers} (environment variables or system properties, as DJL reads them)
 * when the user set one, else under the user's cache folder, {@code
 * $XDG_CACHE_HOME/embedding-geometry/djl} or {@code ~/.cache/embedding-geometry/djl} (the folder of
 * {@code -Dembgeo.cache.dir} when given), not DJL's default {@code ~/.djl.ai}; when that folder
 * cannot be written, to a private temporary folder removed when the JVM ends.
 *
 * <p>Special tokens are kept when decoding ({@code skip_special_tokens=False}, the default of
 * transformers' {@code tokenizer.decode}). Thread-safe, {@link #close()} included: it waits for the
 * decodes in flight, frees the native tokenizer, and every later call fails with {@link
 * IllegalStateException}. Holds native memory: close it.
 *
 * @since 0.1
 */
public final class HfTokenizer implements Vocabulary, AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int size;
  // Decodes share the read lock, close() takes the write lock: the native tokenizer is never freed
  // under a running decode (freeing it there crashed the JVM in id_to_token).
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, int size) {
    this.tokenizer = tokenizer;
    this.size = size;
  }

  /** Largest tokenizer.json read (the largest vocabularies' are about 35 MB). */
  public static final int MAX_FILE_BYTES = 256 << 20;

  /**
   * Loads {@code tokenizer.json}, or the one inside a model directory. The caller closes it.
   *
   * @param path tokenizer.json or a folder holding it
   * @return the tokenizer
   * @throws java.io.FileNotFoundException if there is no such file
   * @throws IOException naming the path if it is not a regular file, naming the artifact {@code
   *     ai.djl.huggingface:tokenizers} when it is not on the class path, or if the native library
   *     cannot be loaded
   * @throws MalformedFileException if the file cannot be parsed or is over {@link #MAX_FILE_BYTES}
   */
  public static HfTokenizer open(Path path) throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    return read(file.toString(), RegularFiles.readAll(file, "tokenizer.json", MAX_FILE_BYTES));
  }

  /**
   * Loads a tokenizer.json from a stream (e.g. a class path resource). The caller closes it.
   *
   * @param sourceName names the file in error messages
   * @param in the JSON; read to the end, not closed
   * @return the tokenizer
   * @throws MalformedFileException if the JSON cannot be parsed
   * @throws IOException if reading fails, naming the artifact {@code ai.djl.huggingface:tokenizers}
   *     when it is not on the class path, or if the native library cannot be loaded
   */
  public static HfTokenizer read(String sourceName, InputStream in) throws IOException {
    return read(sourceName, in.readAllBytes());
  }

  private static HfTokenizer read(String source, byte[] json) throws IOException {
    OptionalDependency.TOKENIZERS.require("decoding the tokenizer " + source);
    int size = vocabularySize(source, json);
    NativeCache.prepare();
    HuggingFaceTokenizer t;
    try {
      // Decoding only: no truncation or padding, and special tokens kept on decode.
      t =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(json),
              Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    } catch (RuntimeException | LinkageError e) {
      // ai.djl.engine.EngineException (DJL's API module is not read by this one): no library
      String missing = missingSlf4j(e);
      if (missing != null) {
        throw new IOException(
            "DJL's tokenizers need the logging API org.slf4j, which is missing ("
                + missing
                + "): add the module org.slf4j (artifact org.slf4j:slf4j-api) to the module path"
                + " or class path",
            e);
      }
      if (e instanceof LinkageError || e.getClass().getName().startsWith("ai.djl.engine.")) {
        throw new IOException(
            "the tokenizers native library could not be unpacked or loaded (cache folder "
                + NativeCache.folder()
                + "; set DJL_CACHE_DIR to a writable folder): "
                + Excerpt.message(String.valueOf(e)),
            e);
      }
      throw new MalformedFileException(
          source,
          "not a tokenizer.json the tokenizers library accepts: " + Excerpt.message(e.getMessage()),
          e);
    }
    return new HfTokenizer(t, size);
  }

  /**
   * The missing slf4j class when {@code e} or a cause is a failed load of one, else null: on the
   * module path a missing org.slf4j surfaces as a linkage error that is no cache problem at all.
   */
  static String missingSlf4j(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if ((t instanceof LinkageError || t instanceof ClassNotFoundException)
          && m != null
          && m.replace('/', '.').contains("org.slf4j")) {
        return t.getClass().getSimpleName() + ": " + Excerpt.message(m);
      }
    }
    return null;
  }

  // One more than the largest id in model.vocab (object of token -> id, or a Unigram list) and
  // added_tokens, scanned with a streaming parser so that large vocabularies cost no tree. Field
  // names are not canonicalized: every vocabulary token is a field name seen once, and entering
  // 30,000-150,000 of them into Jackson's symbol table doubled the scan's time on a fresh JVM.
  static int vocabularySize(String source, byte[] json) throws MalformedFileException {
    long max = -1;
    JsonFactory factory =
        JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
    try (JsonParser p = factory.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedFileException(source, "tokenizer.json is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        if (f.equals("model") && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String mf = p.currentName();
            JsonToken mv = p.nextToken();
            if (mf.equals("vocab") && mv == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                p.nextToken();
                max = Math.max(max, p.getLongValue());
              }
            } else if (mf.equals("vocab") && mv == JsonToken.START_ARRAY) {
              long n = 0;
              while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
                n++;
              }
              max = Math.max(max, n - 1);
            } else {
              p.skipChildren();
            }
          }
        } else if (f.equals("added_tokens") && v == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String af = p.currentName();
              p.nextToken();
              if (af.equals("id")) {
                max = Math.max(max, p.getLongValue());
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (MalformedFileException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedFileException(
          source, "tokenizer.json is not valid JSON: " + Excerpt.message(e.getMessage()), e);
    }
    if (max < 0 || max >= Integer.MAX_VALUE) {
      throw new MalformedFileException(source, "tokenizer.json has no usable model.vocab");
    }
    return (int) max + 1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public String decode(int id) {
    return decode(new int[] {id});
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the tokenizer is closed
   */
  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    int n = 0;
    for (int id : ids) {
      // The Rust side takes u32 ids and skips unknown ones; negative ids would wrap, so they are
      // dropped here, which is what "unknown" means for them too.
      if (id >= 0) {
        l[n++] = id;
      }
    }
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("tokenizer is closed");
      }
      return n == 0
          ? ""
          : tokenizer.decode(n == l.length ? l : java.util.Arrays.copyOf(l, n), false);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Waits for the decodes in flight, then frees the native tokenizer; later calls fail with {@link
   * IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        tokenizer.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
