package io.github.embeddinggeometry.blas;

import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.blas.internal.BlasBackend;
import io.github.embeddinggeometry.blas.internal.BlasTests;
import io.github.embeddinggeometry.testing.ComputeBackendContract;
import io.github.embeddinggeometry.testing.DensityEstimatorContract;
import io.github.embeddinggeometry.testing.DistanceKernelContract;
import org.junit.jupiter.api.Nested;

/**
 * The BLAS backend against the contracts every backend passes (geometry-core's test-jar). The
 * distance contract runs with {@code sameBitsWherever() == false}: OpenBLAS's sgemm rounds a sum by
 * its position in the tile (see SgemmTileKernelTest), so a pair's value in a block, a view or the
 * transposed position agrees within float32 rounding rather than bitwise.
 */
class BlasContractsTest {
  static ComputeBackend blas() {
    BlasTests.requireNatives();
    return new BlasBackend();
  }

  @Nested
  class Kernel extends DistanceKernelContract {
    @Override
    protected ComputeBackend create() {
      return blas();
    }

    @Override
    protected boolean sameBitsWherever() {
      return false;
    }
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
