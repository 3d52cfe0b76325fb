package io.github.embeddinggeometry.blas;

import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.blas.internal.BlasBackend;
import io.github.embeddinggeometry.blas.internal.BlasTests;
import io.github.embeddinggeometry.testing.ComputeBackendContract;
import io.github.embeddinggeometry.testing.DensityEstimatorContract;
import org.junit.jupiter.api.Nested;

/**
 * The BLAS backend against the contracts of geometry-core's test-jar. Not {@code
 * DistanceKernelContract}: it asks for rule 5's bits (symmetric, the same for a pair wherever it
 * lies in a tile), which OpenBLAS's sgemm does not give (see SgemmTileKernelTest); {@link
 * BlasAgreementTest} checks the rest of that contract against float64 and the CPU backend.
 */
class BlasContractsTest {
  static ComputeBackend blas() {
    BlasTests.requireNatives();
    return new BlasBackend();
  }

  @Nested
  class Density extends DensityEstimatorContract {
    @Override
    protected ComputeBackend create() {
      return blas();
    }
  }

  @Nested
  class Backend extends ComputeBackendContract {
    @Override
    protected ComputeBackend create() {
      return blas();
    }
  }
}
