package io.github.embeddinggeometry.io.tensor;

import java.io.IOException;

/**
 * A file that does not follow its format's rules, or that a reader refuses for safety (a header
 * beyond a size cap, a pickle naming a forbidden global, a zip entry expanding beyond the file).
 * The message names the file and the problem.
 *
 * @since 0.1
 */
public class MalformedFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * A file refused for a reason the message states.
   *
   * @param source the file (or resource) name
   * @param problem what is wrong, with the numbers involved
   */
  public MalformedFileException(String source, String problem) {
    super(source + ": " + problem);
  }

  /**
   * The same, with the low-level cause.
   *
   * @param source the file (or resource) name
   * @param problem what is wrong, with the numbers involved
   * @param cause the exception that revealed the problem
   */
  public MalformedFileException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
  }
}
