package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;

/**
 * Device-side timing of the distance-block path for gpu-check.sh: the Gram GEMM alone and GEMM plus
 * epilogue, rows already resident, no host transfer (so it compares with {@code torch.mm} timed on
 * the device). Not part of the API.
 */
// The context scope is held for its lock, never referenced: "try" lint does not apply.
@SuppressWarnings("try")
public final class DeviceBench {
  /** Seconds per full m x n block: GEMM only, and GEMM + distance epilogue; plus the plan. */
  public record Result(double gemmSeconds, double blockSeconds, int queryChunk, String gemm) {
    /** TFLOP/s of the GEMM alone for an m x n x k product. */
    public double gemmTflops(long m, long n, long k) {
      return 2.0 * m * n * k / gemmSeconds / 1e12;
    }

    /** TFLOP/s counting the epilogue's time too. */
    public double blockTflops(long m, long n, long k) {
      return 2.0 * m * n * k / blockSeconds / 1e12;
    }
  }

  private DeviceBench() {}

  /**
   * Times distances of the first {@code m} rows of {@code base} to all of its rows, best of {@code
   * reps} runs after one warm-up.
   */
  public static Result distanceBlocks(CudaSession session, EmbeddingMatrix base, int m, int reps) {
    CudaContext ctx = session.context();
    int n = base.rows();
    int d = base.dim();
    try (CudaContext.Scope s = ctx.enter();
        DeviceRows rows = DeviceRows.upload(ctx, base, 0, n, "benchmark rows")) {
      ChunkPlan plan = ChunkPlan.plan(m, n, d, 0, true, session.budget(rows.bytes()));
      int qc = plan.queryRows();
      try (DeviceBuffer out = ctx.alloc(4L * qc * n, "benchmark block")) {
        double gemmBest = Double.MAX_VALUE;
        double blockBest = Double.MAX_VALUE;
        for (int rep = 0; rep <= reps; rep++) {
          for (int epilogue = 0; epilogue < 2; epilogue++) {
            ctx.sync();
            long t0 = System.nanoTime();
            for (int q0 = 0; q0 < m; q0 += qc) {
              int qm = Math.min(qc, m - q0);
              session.distanceGemm().abT(qm, n, d, rows.row(q0), d, rows.row(0), d, out.ptr(), n);
              if (epilogue == 1) {
                ctx.launch(
                    "dist_epilogue",
                    Gemm.ceilDiv(n, 256),
                    Math.min(qm, 65535),
                    256,
                    out.ptr(),
                    qm,
                    n,
                    n,
                    rows.sq(q0),
                    rows.inv(q0),
                    rows.sq(0),
                    rows.inv(0),
                    rows.row(q0),
                    d,
                    rows.row(0),
                    d,
                    d,
                    null,
                    null,
                    0,
                    CudaDistanceKernel.REFINE);
              }
            }
            ctx.sync();
            double t = (System.nanoTime() - t0) / 1e9;
            if (rep > 0) {
              if (epilogue == 0) {
                gemmBest = Math.min(gemmBest, t);
              } else {
                blockBest = Math.min(blockBest, t);
              }
            }
          }
        }
        return new Result(gemmBest, blockBest, qc, session.distanceGemm().description());
      }
    }
  }
}
