package io.github.embeddinggeometry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.testing.ApiConventions;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ApiConventionsTest {
  /**
   * Methods still in the old paired style because they are being rewritten on another branch (the
   * Covariance value). Each entry must still break the rule, so that the list is emptied as soon as
   * the rewrite lands.
   */
  @Test
  void longOperationsTakeTheirListenerLastAndHaveNoOverloadWithout() {
    List<Class<?>> types = ApiConventions.publicTypes(Path.of("src/main/java"));
    assertThat(types)
        .contains(
            EmbeddingMatrix.class,
            io.github.embeddinggeometry.frame.Pca.class,
            io.github.embeddinggeometry.metric.DistanceKernel.class);
    // The backend SPI's helpers adapt listeners (Parallel.offset wraps one); the rule is for the
    // operations of the API.
    List<String> violations =
        ApiConventions.progressStyleViolations(
            types.stream()
                .filter(
                    t -> !t.getPackageName().startsWith("io.github.embeddinggeometry.backend.spi"))
                .collect(Collectors.toList()));
    assertThat(violations).isEmpty();
  }

  @Test
  void theCheckFindsAPairedOverloadAndAListenerNotLast() {
    assertThat(
            ApiConventions.progressStyleViolations(
                List.of(Paired.class, Misplaced.class, Kept.class, Inherits.class)))
        .containsExactly(
            "io.github.embeddinggeometry.ApiConventionsTest$Misplaced.run(ProgressListener, int):"
                + " the ProgressListener is not the last parameter",
            "io.github.embeddinggeometry.ApiConventionsTest$Paired.run(int): an overload of"
                + " io.github.embeddinggeometry.ApiConventionsTest$Paired.run(int, ProgressListener)"
                + " without its listener",
            "io.github.embeddinggeometry.ApiConventionsTest$Quiet.run(int): an overload of"
                + " io.github.embeddinggeometry.ApiConventionsTest$Inherits.run(int,"
                + " ProgressListener) without its listener");
  }

  /** Two signatures for one operation. */
  public static final class Paired {
    public void run(int rows) {}

    public void run(int rows, ProgressListener progress) {}
  }

  /** The listener first. */
  public static final class Misplaced {
    public void run(ProgressListener progress, int rows) {}
  }

  /** A supertype's overload without the listener, not itself among the checked types. */
  interface Quiet {
    default void run(int rows) {}
  }

  /** Adds the listener's overload to the supertype's. */
  public static final class Inherits implements Quiet {
    public void run(int rows, ProgressListener progress) {}
  }

  /** The house style: one signature, the listener last. */
  public static final class Kept {
    public void run(int rows, ProgressListener progress) {}

    public int rows() {
      return 0;
    }
  }
}
