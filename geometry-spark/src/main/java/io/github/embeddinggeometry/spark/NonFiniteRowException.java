package io.github.embeddinggeometry.spark;

/**
 * A row holding NaN or infinity, found by the task that read it. The driver turns the failed Spark
 * job back into this exception, so the caller sees this message rather than a Spark stack dump.
 *
 * @since 0.1
 */
public final class NonFiniteRowException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The row's vocabulary id. */
  private final int id;

  /** Rebuilt on the driver from a failed job's message. */
  NonFiniteRowException(String message, int id) {
    super(message);
    this.id = id;
  }

  NonFiniteRowException(int row, int id, int column, float value) {
    super(
        "row "
            + row
            + " (vocabulary id "
            + id
            + ") holds "
            + value
            + " at column "
            + column
            + "; distances are defined for finite rows only");
    this.id = id;
  }

  /**
   * Vocabulary id of the offending row.
   *
   * @return the id, also named in the message with the row's position
   */
  public int id() {
    return id;
  }
}
