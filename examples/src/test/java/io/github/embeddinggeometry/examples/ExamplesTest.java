package io.github.embeddinggeometry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.cli.GeometryCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./geometry example NAME}: the programs reach the command line's example subcommand. */
class ExamplesTest {
  private record Run(int code, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        GeometryCli.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Examples.programs(),
            args);
    return new Run(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyNotebookHasItsProgramInTheNotebooksOrder() {
    assertThat(Examples.programs().keySet())
        .containsExactly(
            "pairwise", "density-field", "frame", "density-vs-norm", "densest", "gpu", "hf-folder");
  }

  @Test
  void anUnknownNameOrAnExtraArgumentIsOneLineAndExitTwo() {
    Run r = run("example", "nope");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).contains("no example 'nope'", "densest").doesNotContain("\n");
    r = run("example", "pairwise", "extra");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).contains("takes no arguments").doesNotContain("\n");
  }

  @Test
  void frameWritesIntoItsFolderAndHfFolderOnlyReadsAGivenOne() {
    assertThat(Examples.programs().get("frame").writes().apply(List.of()))
        .isEqualTo(Path.of("out/examples"));
    assertThat(Examples.programs().get("frame").writes().apply(List.of("x")))
        .isEqualTo(Path.of("x"));
    assertThat(Examples.programs().get("hf-folder").writes().apply(List.of("x"))).isNull();
    assertThat(Examples.programs().get("pairwise").takesFolder()).isFalse();
  }
}
