package io.github.embeddinggeometry.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.testing.ComputeBackendContract;
import io.github.embeddinggeometry.testing.DensityEstimatorContract;
import io.github.embeddinggeometry.testing.DistanceKernelContract;
import java.util.List;
import org.junit.jupiter.api.Nested;

/**
 * The GPU backend against the contracts every backend passes (geometry-core's test-jar). Skipped,
 * with the probe's reasons, where no GPU can be used.
 */
class CudaContractsIT {
  static ComputeBackend gpu() {
    List<String> reasons = CudaBackend.unavailableReasons();
    assumeTrue(reasons.isEmpty(), () -> "GPU tests skipped: " + String.join("; ", reasons));
    return CudaBackend.create(CudaPrecision.FP32);
  }

  @Nested
  class Kernel extends DistanceKernelContract {
    @Override
    protected ComputeBackend create() {
      return gpu();
    }
  }

  @Nested
  class Density extends DensityEstimatorContract {
    @Override
    protected ComputeBackend create() {
      return gpu();
    }
  }

  @Nested
  class Backend extends ComputeBackendContract {
    @Override
    protected ComputeBackend create() {
      return gpu();
    }
  }
}
