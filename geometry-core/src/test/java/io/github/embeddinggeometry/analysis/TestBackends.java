package io.github.embeddinggeometry.analysis;

import io.github.embeddinggeometry.spi.Backends;
import io.github.embeddinggeometry.spi.ComputeBackend;
import java.util.stream.Stream;

/** The backends every analysis test runs on: the float64 oracle and the real CPU backend. */
public final class TestBackends {
  private TestBackends() {}

  public static Stream<ComputeBackend> all() {
    return Stream.of(new ReferenceBackend(), Backends.cpu());
  }
}
