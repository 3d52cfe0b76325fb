package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.embeddinggeometry.cli.output.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a command can end: its exit code, one line on stderr, a trace only for a bug. */
class FailuresTest {
  @TempDir Path tmp;

  record Ended(int code, String err) {}

  Ended end(Throwable e, boolean debug) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Failures.report(
            "geometry frame",
            e,
            "frame (k-NN)",
            tmp,
            debug,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Ended(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBugIsOneLineWithItsTraceInTheLog() throws IOException {
    Ended e = end(new NullPointerException("boom"), false);
    assertThat(e.code()).isEqualTo(1);
    assertThat(e.err().lines()).hasSize(1);
    Path log = tmp.resolve(Failures.LOG);
    assertThat(e.err())
        .contains("geometry frame: internal error during frame (k-NN): NullPointerException: boom")
        .contains(log.toString(), "--debug");
    assertThat(Files.readString(log))
        .contains("java.lang.NullPointerException: boom", "\tat ", "geometry frame");
  }

  @Test
  void debugPrintsTheTraceToo() {
    Ended e = end(new IllegalStateException("bad state"), true);
    assertThat(e.code()).isEqualTo(1);
    assertThat(e.err()).contains("IllegalStateException: bad state", "\tat ");
  }

  @Test
  void outOfMemoryNamesTheStepAndHowToRaiseTheHeap() {
    Ended e = end(new OutOfMemoryError("Java heap space"), false);
    assertThat(e.code()).isEqualTo(3);
    assertThat(e.err().lines()).hasSize(1);
    assertThat(e.err()).contains("out of memory during frame (k-NN)", "GEOMETRY_JAVA_OPTS=-Xmx");
    assertThat(tmp.resolve(Failures.LOG)).doesNotExist();
  }

  @Test
  void noRoomIsExit3() {
    Throwable full =
        catchThrowable(() -> AtomicFiles.write(tmp.resolve("x"), Long.MAX_VALUE / 2, ch -> {}));
    Ended e = end(full, false);
    assertThat(e.code()).isEqualTo(3);
    assertThat(e.err().lines()).hasSize(1);
    assertThat(e.err()).contains("cannot write", "bytes");
  }

  @Test
  void badInputIsExit2() {
    Ended e = end(new UserInputException("--k must be in 1..10,000; got 0"), false);
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.err()).isEqualTo("geometry frame: error: --k must be in 1..10,000; got 0\n");
  }
}
