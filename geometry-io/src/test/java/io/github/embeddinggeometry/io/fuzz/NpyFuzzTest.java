package io.github.embeddinggeometry.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;

/** Any byte string is a readable .npy or a {@link MalformedFileException}. */
class NpyFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void header(byte[] data) {
    try (NpyFile f = NpyFile.of("fuzz", data)) {
      FuzzChecks.readAll(f.tensor());
    } catch (MalformedFileException expected) {
      // the contract for bad input
    }
  }
}
