package io.github.embeddinggeometry.internal.cpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Kernels;
import io.github.embeddinggeometry.testing.ComputeBackendContract;
import io.github.embeddinggeometry.testing.DensityEstimatorContract;
import io.github.embeddinggeometry.testing.DistanceKernelContract;
import org.junit.jupiter.api.Nested;

/**
 * The CPU backend against the shared contracts, once per micro-kernel: the Vector API kernel
 * (skipped when {@code jdk.incubator.vector} is absent) and the plain-Java one. Whether the Vector
 * API kernel fuses multiply-adds is fixed per JVM ({@code -Dembgeo.fma}); the build runs these
 * tests once more with {@code -Dembgeo.fma=false} for the non-FMA instruction sequence.
 */
class CpuContractsTest {
  static ComputeBackend vector() {
    assumeTrue(Kernels.vectorKernel().isPresent(), "jdk.incubator.vector is not present");
    return new CpuBackend(Kernels.vectorKernel().get());
  }

  static ComputeBackend scalar() {
    TileKernel k = Kernels.scalar();
    return new CpuBackend(k);
  }

  @Nested
  class VectorKernel extends DistanceKernelContract {
    @Override
    protected ComputeBackend create() {
      return vector();
    }
  }

  @Nested
  class VectorDensity extends DensityEstimatorContract {
    @Override
    protected ComputeBackend create() {
      return vector();
    }
  }

  @Nested
  class VectorBackend extends ComputeBackendContract {
    @Override
    protected ComputeBackend create() {
      return vector();
    }
  }

  @Nested
  class ScalarKernel extends DistanceKernelContract {
    @Override
    protected ComputeBackend create() {
      return scalar();
    }
  }

  @Nested
  class ScalarDensity extends DensityEstimatorContract {
    @Override
    protected ComputeBackend create() {
      return scalar();
    }
  }

  @Nested
  class ScalarBackend extends ComputeBackendContract {
    @Override
    protected ComputeBackend create() {
      return scalar();
    }
  }
}
