package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.spi.CanonicalSums;
import java.util.Objects;

/**
 * {@code C = (1/N) (W - mu)^T (W - mu)} on the GPU: per chunk of rows, centre and transpose on the
 * device (centring in double), one FP32 GEMM gives the chunk's scatter matrix, which is added into
 * a double accumulator on the host. FP32 rounding is thus bounded by the chunk length, not by N.
 */
// The context scope is held for its lock, never referenced: "try" lint does not apply.
@SuppressWarnings("try")
public final class CudaCovariance {
  /** Rows per chunk: FP32 sums run over at most this many terms. */
  static final int CHUNK = 4096;

  private CudaCovariance() {}

  /**
   * Mean (on the CPU, in the canonical order: the same bits as the CPU backend's) and covariance.
   */
  public static Covariance covariance(
      CudaSession session, EmbeddingMatrix w, ProgressListener progress) {
    Objects.requireNonNull(w, "w");
    Objects.requireNonNull(progress, "progress");
    if (!Magnitudes.safe(w)) {
      return Backends.cpu().covariance(w, progress);
    }
    double[] mean = CanonicalSums.mean(w, progress);
    return Covariance.of(mean, scatter(session, w, mean, progress), w.rows());
  }

  /** The covariance about a given mean (finite rows, at least one: the callers checked). */
  private static double[] scatter(
      CudaSession session, EmbeddingMatrix w, double[] mean, ProgressListener progress) {
    int n = w.rows();
    int d = w.dim();
    double[] acc = new double[d * d];
    float[] part = new float[d * d];
    CudaContext ctx = session.context();
    int chunk = Math.min(n, CHUNK);
    try (CudaContext.Scope s = ctx.enter();
        DeviceBuffer x = ctx.alloc(4L * chunk * d, "covariance rows");
        DeviceBuffer t = ctx.alloc(4L * chunk * d, "centred rows, transposed");
        DeviceBuffer mu = ctx.alloc(8L * d, "mean");
        DeviceBuffer c = ctx.alloc(4L * d * d, "scatter matrix")) {
      mu.upload(mean, 0);
      float[] staging = new float[chunk * d];
      for (int r0 = 0; r0 < n; r0 += chunk) {
        ProgressListener.checkCancelled(progress);
        int m = Math.min(chunk, n - r0);
        for (int r = 0; r < m; r++) {
          w.copyRow(r0 + r, staging, r * d);
        }
        x.upload(staging, 0, 0, m * d);
        ctx.launch2d(
            "center_transpose",
            Gemm.ceilDiv(d, 32),
            Gemm.ceilDiv(m, 32),
            32,
            8,
            x.ptr(),
            m,
            d,
            d,
            mu.ptr(),
            t.ptr());
        session.fp32Gemm().abT(d, d, m, t.ptr(), m, t.ptr(), m, c.ptr(), d);
        c.download(0, part, 0, d * d);
        for (int i = 0; i < part.length; i++) {
          acc[i] += part[i];
        }
        progress.progress("covariance", r0 + m, n);
      }
    }
    // Symmetrise: cuBLAS does not promise C[i][j] and C[j][i] bitwise equal.
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double v = (acc[i * d + j] + acc[j * d + i]) / (2.0 * n);
        acc[i * d + j] = v;
        acc[j * d + i] = v;
      }
    }
    return acc;
  }
}
