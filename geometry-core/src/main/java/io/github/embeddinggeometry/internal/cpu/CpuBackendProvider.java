package io.github.embeddinggeometry.internal.cpu;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.ComputeBackend;
import java.util.List;

/** Provides the pure-Java backend; always available. */
public final class CpuBackendProvider implements BackendProvider {
  private static final class Holder {
    static final CpuBackend SHARED = new CpuBackend();
  }

  /** The process-wide CPU backend. */
  public static ComputeBackend shared() {
    return Holder.SHARED;
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public List<String> unavailableReasons() {
    return List.of();
  }

  @Override
  public ComputeBackend create() {
    return shared();
  }
}
