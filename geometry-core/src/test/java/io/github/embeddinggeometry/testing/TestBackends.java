package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import java.util.stream.Stream;

/** The backends every analysis test runs on: the float64 oracle and the real CPU backend. */
public final class TestBackends {
  private TestBackends() {}

  public static Stream<ComputeBackend> all() {
    return Stream.of(new ReferenceBackend(), Backends.cpu());
  }
}
