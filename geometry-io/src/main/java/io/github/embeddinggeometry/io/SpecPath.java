package io.github.embeddinggeometry.io;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A path on disk, optionally followed by {@code :NAME} naming a tensor inside it. The colon is a
 * separator only when the whole spec is not itself an existing path (file names may contain
 * colons).
 *
 * @param path the file or folder
 * @param name the tensor name, or null
 */
record SpecPath(Path path, String name) {
  /**
   * @param expected what the caller accepts, for the message, e.g. "FILE.npy or FILE.pt:KEY"
   * @throws FileNotFoundException when neither the spec nor its part before the last colon exists
   */
  static SpecPath parse(String spec, String expected) throws FileNotFoundException {
    Path path = Path.of(spec);
    if (Files.exists(path)) {
      return new SpecPath(path, null);
    }
    int colon = spec.lastIndexOf(':');
    if (colon > 0 && Files.exists(Path.of(spec.substring(0, colon)))) {
      return new SpecPath(Path.of(spec.substring(0, colon)), spec.substring(colon + 1));
    }
    throw new FileNotFoundException(spec + ": no such file or folder (expected " + expected + ")");
  }
}
