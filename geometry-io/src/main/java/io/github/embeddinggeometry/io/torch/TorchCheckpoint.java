package io.github.embeddinggeometry.io.torch;

import io.github.embeddinggeometry.io.internal.ByteRegion;
import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.internal.RestrictedUnpickler;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads {@code torch.save} files (the zip format of PyTorch 1.6 and later) without executing
 * anything: {@code data.pkl} is read by a restricted unpickler with the semantics of {@code
 * torch.load(weights_only=True)}, and tensors are rebuilt over the storages in {@code data/}.
 *
 * <p>Python values become: dict -> {@code Map} (insertion-ordered), list -> mutable {@code List},
 * tuple -> unmodifiable {@code List}, str -> String, bytes -> byte[], int -> Long (BigInteger
 * beyond 64 bits), float -> Double, bool -> Boolean, None -> null, tensor -> {@link Tensor} (any
 * dtype, stride and storage offset; read in C order). Any other global (e.g. {@code os.system},
 * {@code builtins.eval}, a user class) is a {@link MalformedFileException} naming it.
 *
 * <p>Storages are read into heap memory (each at most 2 GiB); the total read is capped at the
 * file's size, so a zip bomb (an entry inflating beyond the file) is refused. The legacy pre-1.6
 * format is not supported.
 *
 * @since 0.1
 */
public final class TorchCheckpoint {
  private TorchCheckpoint() {}

  /**
   * Reads the pickled root object.
   *
   * @param path the checkpoint
   * @return the root object (tensors as lazy views)
   * @throws java.io.FileNotFoundException if nothing is at {@code path}
   * @throws IOException naming the path if it is not a regular file (a folder, FIFO or device)
   * @throws MalformedFileException for a broken archive or pickle, or a forbidden global
   */
  public static Object load(Path path) throws IOException {
    RegularFiles.require(path);
    String source = path.toString();
    long fileSize = Files.size(path);
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(path)) {
      int n = in.readNBytes(head, 0, 4);
      if (n < 4 || head[0] != 'P' || head[1] != 'K') {
        throw new MalformedFileException(
            source,
            "not a zip-format torch.save file (the legacy"
                + " pre-1.6 format is not supported; re-save with a current PyTorch)");
      }
    }
    try (ZipFile zip = new ZipFile(path.toFile())) {
      return read(source, zip, fileSize);
    } catch (ZipException e) {
      throw new MalformedFileException(
          source, "broken zip archive: " + Excerpt.message(e.getMessage()), e);
    }
  }

  /**
   * Reads a file whose root is a dict with string keys (as the notebooks' {@code .pt} files are).
   *
   * @param path a {@code torch.save} file
   * @return the root dict, insertion-ordered
   * @throws MalformedFileException if the root is something else, or the file is broken
   * @throws IOException if reading fails
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> loadDict(Path path) throws IOException {
    Object root = load(path);
    if (!(root instanceof Map)) {
      throw new MalformedFileException(
          path.toString(),
          "root object is a "
              + (root == null ? "None" : root.getClass().getSimpleName())
              + ", not a dict");
    }
    for (Object k : ((Map<?, ?>) root).keySet()) {
      if (!(k instanceof String)) {
        throw new MalformedFileException(
            path.toString(),
            "root dict has a non-string key "
                + (k instanceof List<?> t ? "(a tuple of " + t.size() + " items)" : Excerpt.of(k)));
      }
    }
    return (Map<String, Object>) root;
  }

  /**
   * The tensor stored under {@code key} in a dict from {@link #loadDict}.
   *
   * @param dict a dict from {@link #loadDict}
   * @param key the entry's key
   * @return the tensor
   * @throws IllegalArgumentException naming the key when it is absent or not a tensor
   */
  public static Tensor tensor(Map<String, ?> dict, String key) {
    Object v = dict.get(key);
    if (!(v instanceof Tensor)) {
      throw new IllegalArgumentException(
          "entry "
              + Excerpt.quote(key)
              + " is "
              + (v == null ? "absent" : "a " + v.getClass().getSimpleName())
              + ", not a tensor; keys: "
              + Excerpt.names(dict.keySet(), 8));
    }
    return (Tensor) v;
  }

  private static Object read(String source, ZipFile zip, long fileSize) throws IOException {
    String prefix = null;
    List<String> names = new ArrayList<>();
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      String name = e.nextElement().getName();
      names.add(name);
      if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
        if (prefix != null) {
          throw new MalformedFileException(source, "more than one data.pkl in the archive");
        }
        prefix = name.substring(0, name.length() - "data.pkl".length());
      }
    }
    if (prefix == null) {
      throw new MalformedFileException(
          source, "no <archive>/data.pkl entry; entries: " + Excerpt.names(names, 10));
    }
    Budget budget = new Budget(fileSize);
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    ZipEntry bo = zip.getEntry(prefix + "byteorder");
    if (bo != null) {
      String s = new String(readEntry(source, zip, bo, budget), StandardCharsets.US_ASCII).strip();
      if (s.equals("big")) {
        order = ByteOrder.BIG_ENDIAN;
      } else if (!s.equals("little")) {
        throw new MalformedFileException(source, "byteorder entry says " + Excerpt.quote(s));
      }
    }
    byte[] pickle = readEntry(source, zip, zip.getEntry(prefix + "data.pkl"), budget);
    final String dataPrefix = prefix + "data/";
    return RestrictedUnpickler.load(
        source,
        pickle,
        (key, dtype, numel) -> {
          ZipEntry e = zip.getEntry(dataPrefix + key);
          if (e == null || key.contains("/") || key.contains("..")) {
            throw new MalformedFileException(
                source,
                "storage "
                    + Excerpt.quote(key)
                    + " has no entry "
                    + Excerpt.quote(dataPrefix + key));
          }
          if (numel > fileSize / dtype.bytes()) {
            throw new MalformedFileException(
                source,
                "storage "
                    + Excerpt.quote(key)
                    + " declares "
                    + numel
                    + " x "
                    + dtype
                    + ", more bytes than the file's "
                    + fileSize);
          }
          long need = numel * dtype.bytes();
          byte[] bytes = readEntry(source, zip, e, budget);
          if (bytes.length < need) {
            throw new MalformedFileException(
                source,
                "storage "
                    + Excerpt.quote(key)
                    + " holds "
                    + bytes.length
                    + " bytes but the pickle declares "
                    + numel
                    + " x "
                    + dtype
                    + " = "
                    + need);
          }
          return ByteRegion.of(bytes);
        },
        order);
  }

  /** Total bytes this file may make us allocate: its own size. */
  private static final class Budget {
    long left;

    Budget(long left) {
      this.left = left;
    }
  }

  private static byte[] readEntry(String source, ZipFile zip, ZipEntry e, Budget budget)
      throws IOException {
    long declared = e.getSize();
    if (declared < 0 || declared > budget.left || declared > Integer.MAX_VALUE - 8) {
      throw new MalformedFileException(
          source,
          "entry "
              + Excerpt.quote(e.getName())
              + " expands to "
              + declared
              + " bytes, more than the "
              + budget.left
              + " bytes left of the file's size"
              + " (zip bomb or oversized storage?)");
    }
    try (InputStream in = zip.getInputStream(e)) {
      // Read one byte more than declared: an entry that inflates beyond its header is refused.
      byte[] b = in.readNBytes((int) declared + 1);
      if (b.length != declared) {
        throw new MalformedFileException(
            source,
            "entry "
                + Excerpt.quote(e.getName())
                + " holds "
                + (b.length > declared ? "more" : "fewer")
                + " bytes than its declared "
                + declared);
      }
      budget.left -= declared;
      return b;
    } catch (ZipException ex) {
      throw new MalformedFileException(
          source, "entry " + Excerpt.quote(e.getName()) + ": " + ex.getMessage(), ex);
    }
  }
}
