package io.github.embeddinggeometry.blas;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import io.github.embeddinggeometry.blas.internal.BlasBackend;
import io.github.embeddinggeometry.blas.internal.Calibration;
import io.github.embeddinggeometry.blas.internal.Native;
import io.github.embeddinggeometry.blas.internal.SgemmTileKernel;
import java.util.List;

/**
 * Registers the native-BLAS backend under the name "blas" with priority 50: above the pure-Java
 * backend (0), below a GPU (100). {@code -Dembgeo.backend=best} passes over it where OpenBLAS
 * cannot be loaded ({@link #unavailableReasons()}) or measured no faster than the pure-Java kernel
 * on this machine ({@link #notBestReasons()}, timed once per JVM in about 0.1 s); {@code
 * -Dembgeo.backend=blas} or {@code Backends.create("blas")} uses it wherever it loads.
 *
 * @since 0.1
 */
public final class BlasBackendProvider implements BackendProvider {
  static final int PRIORITY = 50;

  /** For the service loader. */
  public BlasBackendProvider() {}

  private static final class Rates {
    static final Calibration.Rates MEASURED = measure();

    private static Calibration.Rates measure() {
      SgemmTileKernel timed = new SgemmTileKernel(CpuEngine.kernel());
      try {
        return Calibration.measure(timed, CpuEngine.kernel());
      } finally {
        timed.releaseBuffers();
      }
    }
  }

  @Override
  public String name() {
    return "blas";
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public List<String> unavailableReasons() {
    return Native.reasons();
  }

  @Override
  public List<String> notBestReasons() {
    if (!Native.reasons().isEmpty()) {
      return Native.reasons();
    }
    return Rates.MEASURED.notBestReasons();
  }

  @Override
  public ComputeBackend create() {
    return new BlasBackend();
  }
}
