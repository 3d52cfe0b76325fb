package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code geometry info}: every line it promises, the shape in use among the timed ones. */
class InfoTest {
  @Test
  void infoNamesTheMachineTheKernelAndTheBackend() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        GeometryCli.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "info");
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(text)
        .contains("CPU:", "JDK:", "Vector API:", "tile kernel:", "backend:      cpu (")
        .contains(System.getProperty("java.vm.version"));
    boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (vector && text.contains("(calibrated")) {
      // the table: one row per shape, the chosen one marked, with its rate in the backend's line
      assertThat(text)
          .contains("calibration:  192 x 128 x 256 product")
          .containsPattern("java-\\d+bit-\\d+x\\d+ +\\d+\\.\\d  chosen");
      assertThat(text).containsPattern("calibrated \\d+\\.\\d GFLOP/s, \\d+ threads\\)");
    }
  }
}
