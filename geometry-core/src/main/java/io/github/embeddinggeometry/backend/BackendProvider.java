package io.github.embeddinggeometry.backend;

import java.util.List;

/**
 * Service-provider interface: a module offering a backend registers an implementation under {@code
 * META-INF/services/io.github.embeddinggeometry.backend.BackendProvider}.
 *
 * @since 0.1
 */
public interface BackendProvider {
  /** Name used to request the backend, e.g. "cuda" (with {@code -Dembgeo.backend=cuda}). */
  String name();

  /** Higher is preferred when choosing the best available backend; the CPU backend has 0. */
  int priority();

  /**
   * Why this backend cannot run here (no GPU, no driver, missing library ...), each reason naming
   * the fix; empty when it can. Must not throw, not even {@link LinkageError}.
   */
  List<String> unavailableReasons();

  /**
   * Creates the backend. Called only when {@link #unavailableReasons()} is empty.
   *
   * @throws UnsupportedOperationException if it still cannot start, with the reason
   */
  ComputeBackend create();
}
