package io.github.embeddinggeometry.io.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.embeddinggeometry.io.onnx.OnnxInitializer;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.IOException;

/** Any byte string is a model whose initializers read, or a {@link MalformedFileException}. */
class OnnxFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
  void initializers(byte[] data) throws IOException {
    try {
      OnnxInitializers m = OnnxInitializers.of("fuzz", data);
      for (OnnxInitializer i : m.list()) {
        try {
          FuzzChecks.readAll(m.tensor(i.name()));
        } catch (MalformedFileException expected) {
          FuzzChecks.refused(expected); // a broken initializer; others may still read
        }
      }
    } catch (MalformedFileException expected) {
      FuzzChecks.refused(expected); // the contract for bad input
    }
  }
}
