package io.github.embeddinggeometry.io.internal;

import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
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

  /**
   * The whole of a regular file of at most {@code maxBytes} bytes (a file that grows past it while
   * being read is refused too).
   *
   * @param what the file's role, for the message ("config.json")
   * @throws MalformedFileException naming the file and the cap when it is larger
   */
  public static byte[] readAll(Path path, String what, int maxBytes) throws IOException {
    require(path);
    long size = Files.size(path);
    if (size > maxBytes) {
      throw tooLarge(path, what, size, maxBytes);
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        throw tooLarge(path, what, b.length, maxBytes);
      }
      return b;
    }
  }

  private static MalformedFileException tooLarge(Path path, String what, long size, int max) {
    return new MalformedFileException(
        path.toString(), what + " of " + size + " bytes or more exceeds the cap of " + max);
  }
}
