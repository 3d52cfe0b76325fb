package io.github.embeddinggeometry.cli;

/**
 * Bad arguments or bad input data: the command ends with exit code 2 and this message as its one
 * line on stderr.
 */
final class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserInputException(String message) {
    super(message);
  }

  UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
