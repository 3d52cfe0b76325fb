package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.backend.ComputeBackend;
import org.junit.jupiter.api.Nested;

/**
 * The float64 oracle passes the contracts it is the reference of, so the contracts are consistent.
 * (Its brute-force kernel is too slow for the kernel contract's sizes; the analyses' tests use it
 * as a kernel on small inputs.)
 */
class ReferenceContractsTest {
  @Nested
  class Density extends DensityEstimatorContract {
    @Override
    protected ComputeBackend create() {
      return new ReferenceBackend();
    }
  }

  @Nested
  class Backend extends ComputeBackendContract {
    @Override
    protected ComputeBackend create() {
      return new ReferenceBackend();
    }
  }
}
