package io.github.embeddinggeometry.cli.output;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file could not be written for lack of room: the disk is full, a quota is reached, or the file
 * exceeds the process's file-size limit. The message names the file and the bytes it needs.
 *
 * @since 0.1
 */
public final class OutOfSpaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The file that could not be written. */
  private final transient Path file;

  OutOfSpaceException(Path file, long needed, long free, IOException cause) {
    super(message(file, needed, free, cause), cause);
    this.file = file;
  }

  /** The file that could not be written. */
  public Path file() {
    return file;
  }

  private static String message(Path file, long needed, long free, IOException cause) {
    String why =
        cause == null
            ? "not enough space"
            : isFileSizeLimit(cause)
                ? "the file exceeds this process's file-size limit (ulimit -f)"
                : "no space left (" + cause.getMessage() + ")";
    StringBuilder b = new StringBuilder("cannot write ").append(file).append(": ").append(why);
    if (needed > 0) {
      b.append("; it needs ")
          .append(cause == null ? "" : "about ")
          .append(AtomicFiles.bytes(needed));
    }
    if (free >= 0) {
      b.append(String.format(Locale.ROOT, ", %s free there", AtomicFiles.bytes(free)));
    }
    return b.toString();
  }

  /** ENOSPC, EDQUOT or EFBIG, recognised by the operating system's message. */
  static boolean isOutOfSpace(IOException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("no space left")
        || m.contains("disk quota exceeded")
        || m.contains("not enough space")
        || isFileSizeLimit(e);
  }

  private static boolean isFileSizeLimit(IOException e) {
    return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("file too large");
  }
}
