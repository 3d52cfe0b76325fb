package io.github.embeddinggeometry.io.internal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses paths that are not regular files before anything opens them: reading a FIFO blocks
 * forever, a device can be endless, a folder is no tensor file. Symbolic links are followed (a
 * Hugging Face cache links every file to a blob), so what counts is what the link resolves to.
 */
public final class RegularFiles {
  private RegularFiles() {}

  /**
   * @throws FileNotFoundException if nothing is at {@code path}
   * @throws IOException naming the path and what it is when it is not a regular file
   */
  public static void require(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new FileNotFoundException(path + ": no such file");
    }
    if (!Files.isRegularFile(path)) {
      String what =
          Files.isDirectory(path) ? "a folder" : "a special file (FIFO, socket or device)";
      throw new IOException(path + " is " + what + ", not a regular file");
    }
  }
}
