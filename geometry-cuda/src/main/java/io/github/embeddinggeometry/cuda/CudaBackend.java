package io.github.embeddinggeometry.cuda;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.cuda.internal.CudaCovariance;
import io.github.embeddinggeometry.cuda.internal.CudaDistanceKernel;
import io.github.embeddinggeometry.cuda.internal.CudaProbe;
import io.github.embeddinggeometry.cuda.internal.CudaSession;
import io.github.embeddinggeometry.cuda.internal.DeviceCausalMap;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The NVIDIA GPU backend: the same answers as the CPU backend, exactness contract included, with
 * GPU memory bounded by row chunks.
 *
 * <p>Usually obtained through {@code Backends} ({@code -Dembgeo.backend=cuda}, or {@code best},
 * which falls back to the CPU when no GPU can be used). {@code Backends} lets it serve only after
 * it agreed with the CPU backend on a start-up check problem (distances, k-NN with duplicates and
 * near-ties, covariance); {@link #create()} does not run that check. Rows whose magnitudes the
 * device's float32 products cannot hold (beyond about 2^50, or all below 2^-50) are answered by the
 * CPU backend. Direct use:
 *
 * <pre>{@code
 * try (CudaBackend gpu = CudaBackend.create();
 *     DistanceKernel k = gpu.distanceKernel(MetricSpace.euclidean())) {
 *   Neighbours nn = k.nearest(w, 20, ProgressListener.NONE);
 * }
 * }</pre>
 *
 * <p>Needs an NVIDIA driver for CUDA 12.0 or newer and a GPU of compute capability 7.5 or newer.
 * cuBLAS 12 is used when {@code libcuda.so.12} loads, otherwise a built-in tiled SGEMM. Properties:
 * {@code embgeo.cuda.device} (GPU ordinal), {@code embgeo.cuda.memory} (budget, default 12g),
 * {@code embgeo.cuda.precision} (fp32 or tf32), {@code embgeo.cuda.gemm} (auto, own, cublas).
 *
 * <p>Thread-safe; GPU work from several threads is serialised. Close it to free the GPU.
 *
 * @since 0.1
 */
public final class CudaBackend implements ComputeBackend {
  private final CudaSession session;
  private final CudaPrecision precision;
  private final List<CudaDistanceKernel> kernels = new ArrayList<>();
  private boolean closed;

  private CudaBackend(CudaSession session, CudaPrecision precision) {
    this.session = session;
    this.precision = precision;
  }

  /**
   * Whether a usable GPU is present. Never throws.
   *
   * @return true when {@link #unavailableReasons()} is empty
   */
  public static boolean isAvailable() {
    return unavailableReasons().isEmpty();
  }

  /**
   * Why the backend cannot run here, each reason naming the fix. Never throws.
   *
   * @return the reasons (no driver, no device, driver too old, ...); empty when a GPU can be used
   */
  public static List<String> unavailableReasons() {
    try {
      return CudaProbe.result().reasons();
    } catch (RuntimeException | LinkageError e) {
      return List.of("CUDA probe failed: " + e);
    }
  }

  /**
   * Opens the GPU with the precision of {@code -Dembgeo.cuda.precision} (default FP32). The caller
   * owns the backend and closes it.
   *
   * @return a new backend
   * @throws UnsupportedOperationException listing the reasons if no GPU can be used
   * @throws IllegalArgumentException if the precision property is malformed
   */
  public static CudaBackend create() {
    return create(CudaPrecision.fromProperty());
  }

  /**
   * Opens the GPU. The caller owns the backend and closes it.
   *
   * @param precision arithmetic of the distance blocks
   * @return a new backend
   * @throws UnsupportedOperationException listing the reasons if no GPU can be used
   */
  public static CudaBackend create(CudaPrecision precision) {
    Objects.requireNonNull(precision, "precision");
    return new CudaBackend(CudaSession.open(precision == CudaPrecision.TF32), precision);
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public String description() {
    return session.describe() + ", precision " + precision;
  }

  /**
   * The precision asked for at creation.
   *
   * @return the precision
   */
  public CudaPrecision precision() {
    return precision;
  }

  /**
   * A kernel for {@code metric}; it keeps rows resident on the GPU until closed (or this backend
   * is).
   *
   * @param metric the metric of the distances
   * @return a new kernel, owned by the caller
   * @throws IllegalStateException if this backend is closed
   */
  @Override
  public synchronized DistanceKernel distanceKernel(MetricSpace metric) {
    if (closed) {
      throw new IllegalStateException("CUDA backend is closed");
    }
    CudaDistanceKernel k = new CudaDistanceKernel(session, metric);
    kernels.add(k);
    return k;
  }

  @Override
  public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("CUDA backend is closed");
      }
    }
    return CudaCovariance.covariance(session, w, progress);
  }

  /**
   * The causal row map on the device (kernel {@code causal_map}): the same float64 order as the CPU
   * backend's map, bit-equal to it where the CPU's micro-kernel fuses multiply-adds, within one
   * float32 rounding elsewhere.
   */
  @Override
  public EmbeddingMatrix mapRows(
      EmbeddingMatrix w, CausalMetric metric, ProgressListener progress) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("CUDA backend is closed");
      }
    }
    return DeviceCausalMap.mapRows(session, w, metric, progress);
  }

  /** Closes every kernel made here and releases the GPU; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (CudaDistanceKernel k : kernels) {
        k.close();
      }
      kernels.clear();
    } finally {
      session.close();
    }
  }

  @Override
  public String toString() {
    return description();
  }
}
