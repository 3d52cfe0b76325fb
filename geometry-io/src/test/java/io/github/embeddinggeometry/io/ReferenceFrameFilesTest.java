package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.frame.ReferenceFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceFrameFilesTest {
  private static ReferenceFrame frame(float originX) {
    return ReferenceFrame.of(
        new float[] {originX, 2}, new double[] {3, 1}, new double[] {1, 0, 0, 1});
  }

  @Test
  void matchesOnlyTheFrameWrittenByteForByte(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("frame.safetensors");
    ReferenceFrameFiles.save(file, frame(1));
    assertThat(ReferenceFrameFiles.matches(file, frame(1))).isTrue();
    // The next float after 1: a difference any tolerance-based comparison would pass.
    assertThat(ReferenceFrameFiles.matches(file, frame(Math.nextUp(1f)))).isFalse();
    // A file changed after writing: the last byte of the centroid's data flipped.
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
    assertThat(ReferenceFrameFiles.matches(file, frame(1))).isFalse();
  }
}
