package io.github.embeddinggeometry.cuda;

import io.github.embeddinggeometry.backend.spi.BackendSettings;
import io.github.embeddinggeometry.cuda.internal.CudaSettings;

/**
 * Arithmetic of the GPU's distance blocks. Either way every returned distance keeps the exactness
 * contract of {@link io.github.embeddinggeometry.metric.DistanceKernel}.
 *
 * @since 0.1
 */
public enum CudaPrecision {
  /** FP32 fused multiply-adds throughout (the default). */
  FP32,
  /**
   * TF32 tensor cores for the Gram blocks (cuBLAS 12 only; where cuBLAS is missing the backend runs
   * FP32 and says so in its description). k-NN then selects {@code max(2k, k + 16)} candidates by
   * the TF32 distances and recomputes all of them directly, so the returned distances are exact;
   * the neighbour set is the true one unless a true neighbour's TF32 distance is off by more than
   * the gap to the candidate margin, which makes this mode approximate where neighbours crowd.
   */
  TF32;

  /** System property naming the precision: fp32 (default) or tf32. */
  public static final String PROPERTY = CudaSettings.PRECISION;

  /**
   * The precision named by {@code -Dembgeo.cuda.precision}.
   *
   * @return that precision; FP32 when the property is unset
   * @throws IllegalArgumentException if the property is neither fp32 nor tf32
   */
  public static CudaPrecision fromProperty() {
    String v = BackendSettings.raw(PROPERTY) == null ? "fp32" : BackendSettings.raw(PROPERTY);
    for (CudaPrecision p : values()) {
      if (p.name().equalsIgnoreCase(v)) {
        return p;
      }
    }
    throw new IllegalArgumentException("-D" + PROPERTY + " must be fp32 or tf32, not '" + v + "'");
  }
}
