package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.testing.ComputeBackendContract;
import io.github.embeddinggeometry.testing.DensityEstimatorContract;
import io.github.embeddinggeometry.testing.DistanceKernelContract;
import org.junit.jupiter.api.Nested;

/** The Spark backend against the shared contracts of every backend (geometry-core's test-jar). */
class SparkContractsTest {
  static ComputeBackend backend() {
    return new SparkBackend(TestSpark.sc(), 3);
  }

  @Nested
  class Kernel extends DistanceKernelContract {
    @Override
    protected ComputeBackend create() {
      return backend();
    }
  }

  @Nested
  class Density extends DensityEstimatorContract {
    @Override
    protected ComputeBackend create() {
      return backend();
    }
  }

  @Nested
  class Backend extends ComputeBackendContract {
    @Override
    protected ComputeBackend create() {
      return backend();
    }
  }
}
