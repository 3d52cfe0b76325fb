package io.github.embeddinggeometry.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;

/** Any byte string is a readable .npy or a {@link MalformedFileException}. */
class NpyFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
  void header(byte[] data) {
    try (NpyFile f = NpyFile.of("fuzz", data)) {
      FuzzChecks.readAll(f.tensor());
    } catch (MalformedFileException expected) {
      FuzzChecks.refused(expected); // the contract for bad input
    }
  }
}
