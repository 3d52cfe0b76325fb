package io.github.embeddinggeometry.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole or not at all: the target is replaced in one step, or stays as it was. */
class AtomicFilesTest {
  @TempDir Path tmp;

  private long files() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.count();
    }
  }

  @Test
  void aLinkAtTheTargetIsReplacedNotFollowed() throws IOException {
    Path victim = Files.writeString(tmp.resolve("victim"), "keep");
    Path target = Files.createSymbolicLink(tmp.resolve("report.json"), victim);
    AtomicFiles.write(target, "new".getBytes());
    assertThat(Files.isSymbolicLink(target)).isFalse();
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(Files.readString(victim)).isEqualTo("keep");
    assertThat(files()).isEqualTo(2);
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = Files.writeString(tmp.resolve("data.safetensors"), "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    100,
                    ch -> {
                      ch.write(ByteBuffer.wrap("partial".getBytes()));
                      throw new IOException("Input/output error");
                    }))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(target.toString());
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(files()).isEqualTo(1);
  }

  @Test
  void noSpaceNamesTheFileAndTheBytes() throws IOException {
    Path target = tmp.resolve("figure.png");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    123_456,
                    ch -> {
                      throw new IOException("No space left on device");
                    }))
        .isInstanceOf(OutOfSpaceException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("no space left")
        .hasMessageContaining("123,456 bytes");
    assertThat(files()).isZero();
  }

  @Test
  void aFileLargerThanTheFreeSpaceIsNotStarted() throws IOException {
    Path target = tmp.resolve("huge.safetensors");
    boolean[] called = {false};
    assertThatThrownBy(() -> AtomicFiles.write(target, Long.MAX_VALUE / 2, ch -> called[0] = true))
        .isInstanceOf(OutOfSpaceException.class)
        .hasMessageContaining(
            "needs " + String.format(java.util.Locale.ROOT, "%,d", Long.MAX_VALUE / 2))
        .hasMessageContaining("free there");
    assertThat(called[0]).isFalse();
    assertThat(files()).isZero();
  }
}
