package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class StepsTest {
  @Test
  void allRunsTheSixAnalysesInTheNotebooksOrder() {
    assertThat(Steps.NAMES)
        .containsExactly(
            "pairwise", "density-field", "clusters", "frame", "density-vs-norm", "densest");
    assertThat(Outputs.STEPS).isSameAs(Steps.NAMES);
    assertThat(Steps.ALL.stream().map(Steps.Step::runner).distinct().count()).isEqualTo(6);
  }

  @Test
  void everyStepIsASubcommandOfItsName() {
    List<String> subcommands =
        Arrays.stream(GeometryCli.class.getAnnotation(Command.class).subcommands())
            .map(c -> c.getAnnotation(Command.class).name())
            .toList();
    assertThat(subcommands).containsAll(Steps.NAMES);
  }
}
