package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract shares: a fresh instance of the backend under test per test, behind the
 * library's argument checks, closed afterwards.
 */
public abstract class BackendContract {
  /** The backend under test, open during each test. */
  protected ComputeBackend backend;

  /** A new instance of the backend under test; closed after each test. */
  protected abstract ComputeBackend create();

  @BeforeEach
  void openBackend() {
    backend = Backends.checked(create());
  }

  @AfterEach
  void closeBackend() {
    if (backend != null) {
      backend.close();
      backend = null;
    }
  }
}
