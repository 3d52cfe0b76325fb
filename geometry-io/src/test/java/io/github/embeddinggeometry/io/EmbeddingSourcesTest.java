package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingSourcesTest {
  @TempDir Path dir;

  @Test
  void loadsNpyAndRefusesUnknownInputs() throws Exception {
    Path p = dir.resolve("W.npy");
    NpyWriter.write(p, Tensors.of("", new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
    assertThat(EmbeddingSources.load(p.toString(), ProgressListener.NONE).row(2))
        .containsExactly(5f, 6f);
    assertThatThrownBy(
            () -> EmbeddingSources.load(dir.resolve("nope.npy").toString(), ProgressListener.NONE))
        .isInstanceOf(java.io.FileNotFoundException.class);
    Path txt = dir.resolve("W.txt");
    Files.writeString(txt, "1 2");
    assertThatThrownBy(() -> EmbeddingSources.load(txt.toString(), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown file type");
  }
}
