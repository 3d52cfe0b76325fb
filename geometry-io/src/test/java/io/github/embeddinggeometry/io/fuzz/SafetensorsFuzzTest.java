package io.github.embeddinggeometry.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.TensorInfo;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;

/**
 * Any byte string is either a valid safetensors file whose tensors all read, or a {@link
 * MalformedFileException}; nothing else may escape. The normal test run replays the seeds in {@code
 * SafetensorsFuzzTestInputs/}; {@code mvn -Pfuzz} fuzzes for real.
 */
class SafetensorsFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
  void header(byte[] data) {
    try (SafetensorsFile f = SafetensorsFile.of("fuzz", data)) {
      f.metadata();
      for (TensorInfo t : f.tensors()) {
        FuzzChecks.readAll(f.tensor(t.name()));
      }
    } catch (MalformedFileException expected) {
      FuzzChecks.refused(expected); // the contract for bad input
    }
  }
}
