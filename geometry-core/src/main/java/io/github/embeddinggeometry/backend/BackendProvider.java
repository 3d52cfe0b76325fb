package io.github.embeddinggeometry.backend;

import java.util.List;

/**
 * Service-provider interface: a module offering a backend provides an implementation ({@code
 * provides io.github.embeddinggeometry.backend.BackendProvider with ...} in its module descriptor,
 * and {@code META-INF/services/io.github.embeddinggeometry.backend.BackendProvider} for the class
 * path). {@link Backends} finds providers with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations are instantiated by the service loader and must be cheap to create: probing
 * for hardware happens in {@link #unavailableReasons()}, never in the constructor.
 *
 * @since 0.1
 */
public interface BackendProvider {
  /**
   * The name used to request the backend.
   *
   * @return e.g. "cuda" (asked for with {@code -Dembgeo.backend=cuda}); compared ignoring case
   */
  String name();

  /**
   * Preference when choosing the best available backend.
   *
   * @return higher is preferred; the CPU backend has 0
   */
  int priority();

  /**
   * Why this backend cannot run here (no GPU, no driver, missing library ...), each reason naming
   * the fix. Must not throw, not even {@link LinkageError}.
   *
   * @return the reasons; empty when the backend can run
   */
  List<String> unavailableReasons();

  /**
   * Why {@code best} should pass over this backend although it can run, e.g. because it measured
   * slower than the CPU backend on this machine. Asked only when {@link #unavailableReasons()} is
   * empty and only by the {@code best} choice: a backend asked for by name is created anyway. Must
   * not throw, not even {@link LinkageError}.
   *
   * @return the reasons; empty (the default) when {@code best} may choose it
   * @since 0.1
   */
  default List<String> notBestReasons() {
    return List.of();
  }

  /**
   * Creates the backend. Called only when {@link #unavailableReasons()} is empty.
   *
   * @return a new backend; {@link Backends} puts its argument checks in front of it
   * @throws UnsupportedOperationException if it still cannot start, with the reason
   */
  ComputeBackend create();
}
