package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import io.github.embeddinggeometry.metric.CausalMetric;
import jcuda.driver.CUdeviceptr;

/**
 * The causal row map {@code w -> L^T w} on the device: kernel {@code causal_map} of {@code
 * src/main/cuda/geometry_kernels.cu} with the metric's normalised factor ({@link
 * CpuEngine#causalFactorNormalised}, the CPU backend's) resident in double. Each output is the
 * float64 sum over its depth in ascending order with fused multiply-adds, the CPU map's order,
 * rounded once to float32: bit-equal to the CPU backend where its micro-kernel fuses (the Vector
 * API kernel on FMA hardware), within one float32 rounding elsewhere. Used by {@link
 * CudaDistanceKernel} on rows as they are uploaded, and by the backend's {@code mapRows}. Called
 * inside {@link CudaContext#enter()}; closed with its buffer.
 */
public final class DeviceCausalMap implements AutoCloseable {
  /** Side of the kernel's square thread block and shared-memory tiles (MAP_TILE in the source). */
  static final int TILE = 16;

  /** Rows per launch: the grid's y extent is at most 65,535 blocks. */
  static final int LAUNCH_ROWS = 65_535 * TILE;

  private final int dim;
  private final int exponent;
  private final DeviceBuffer lower;

  /** Uploads the metric's normalised factor (d x d doubles). */
  DeviceCausalMap(CudaContext ctx, CausalMetric metric) {
    double[] factor = metric.choleskyLower();
    this.dim = metric.dim();
    this.exponent = CpuEngine.causalFactorExponent(factor);
    this.lower = ctx.alloc(8L * dim * dim, "causal metric factor");
    lower.upload(CpuEngine.causalFactorNormalised(factor), 0);
  }

  /** Device bytes the factor holds. */
  long bytes() {
    return lower.bytes();
  }

  /**
   * Queues {@code dst = L^T src} for {@code rows} rows, both contiguous with leading dimension d;
   * {@code dst} must not overlap {@code src}.
   */
  void map(CudaContext ctx, CUdeviceptr src, int rows, CUdeviceptr dst) {
    for (int r0 = 0; r0 < rows; r0 += LAUNCH_ROWS) {
      int m = Math.min(LAUNCH_ROWS, rows - r0);
      long off = 4L * r0 * dim;
      ctx.launch2d(
          "causal_map",
          Gemm.ceilDiv(dim, TILE),
          Gemm.ceilDiv(m, TILE),
          TILE,
          TILE,
          off == 0 ? src : src.withByteOffset(off),
          m,
          dim,
          dim,
          lower.ptr(),
          exponent,
          off == 0 ? dst : dst.withByteOffset(off),
          dim);
    }
  }

  /**
   * The mapped rows on the host: rows go up and come back in chunks of at most {@code
   * DeviceRows.STAGING_FLOATS} floats (the checks of the backend's facade have run).
   */
  public static EmbeddingMatrix mapRows(
      CudaSession session, EmbeddingMatrix w, CausalMetric metric, ProgressListener progress) {
    int n = w.rows();
    int d = w.dim();
    float[] out = new float[Math.multiplyExact(n, d)];
    CudaContext ctx = session.context();
    int chunk = Math.max(1, Math.min(n, DeviceRows.STAGING_FLOATS / d));
    try (CudaContext.Scope s = ctx.enter();
        DeviceCausalMap map = new DeviceCausalMap(ctx, metric);
        DeviceBuffer raw = ctx.alloc(4L * chunk * d, "rows before the causal map");
        DeviceBuffer mapped = ctx.alloc(4L * chunk * d, "mapped rows")) {
      for (int r0 = 0; r0 < n; r0 += chunk) {
        ProgressListener.checkCancelled(progress);
        int r1 = Math.min(n, r0 + chunk);
        DeviceRows.copyIn(w, r0, r1, raw);
        map.map(ctx, raw.ptr(), r1 - r0, mapped.ptr());
        mapped.download(0, out, r0 * d, (r1 - r0) * d);
        progress.progress("causal map", r1, n);
      }
    }
    EmbeddingMatrix m = EmbeddingMatrix.wrap(out, n, d);
    // The ids of w, as the CPU map hands them on (no copy when they are 0..N-1 in order).
    return w.isContiguous() && n > 0 && w.id(n - 1) == n - 1 ? m : m.withIds(w.ids());
  }

  @Override
  public void close() {
    lower.close();
  }
}
