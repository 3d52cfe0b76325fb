package io.github.embeddinggeometry.cuda;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.ComputeBackend;
import java.util.List;

/**
 * Registers the CUDA backend under the name "cuda" with priority 100, so {@code
 * -Dembgeo.backend=best} prefers it whenever a GPU is usable.
 *
 * @since 0.1
 */
public final class CudaBackendProvider implements BackendProvider {
  /** Priority over the CPU backend's 0. */
  public static final int PRIORITY = 100;

  /** For {@link java.util.ServiceLoader}. */
  public CudaBackendProvider() {}

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public List<String> unavailableReasons() {
    return CudaBackend.unavailableReasons();
  }

  @Override
  public ComputeBackend create() {
    return CudaBackend.create();
  }
}
