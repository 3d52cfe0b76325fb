package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.backend.spi.BackendSettings;
import java.util.Locale;

/**
 * An opened GPU: the context, the GEMM used for distance blocks (FP32, or TF32 on request where
 * cuBLAS offers it) and an FP32 GEMM for covariance. Created by {@code CudaBackend}; closing it
 * releases everything.
 */
// The context scope is held for its lock, never referenced: "try" lint does not apply.
@SuppressWarnings("try")
public final class CudaSession implements AutoCloseable {
  /** System property: "auto" (cuBLAS 12 when it loads, else own), "own" or "cublas". */
  public static final String GEMM_PROPERTY = CudaSettings.GEMM;

  private final CudaContext context;
  private final Gemm distanceGemm;
  private final Gemm fp32Gemm;
  private final String gemmNote;

  private CudaSession(CudaContext context, Gemm distanceGemm, Gemm fp32Gemm, String gemmNote) {
    this.context = context;
    this.distanceGemm = distanceGemm;
    this.fp32Gemm = fp32Gemm;
    this.gemmNote = gemmNote;
  }

  /**
   * Opens the GPU.
   *
   * @param tensorCores true to ask for TF32 tensor-core products in distance blocks (needs cuBLAS;
   *     without it FP32 is used and the description says so)
   * @throws UnsupportedOperationException if the GPU cannot be used
   */
  public static CudaSession open(boolean tensorCores) {
    String mode =
        BackendSettings.raw(GEMM_PROPERTY) == null
            ? "auto"
            : BackendSettings.raw(GEMM_PROPERTY).toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("own") && !mode.equals("cublas")) {
      throw new IllegalArgumentException(
          "-D" + GEMM_PROPERTY + " must be auto, own or cublas, not '" + mode + "'");
    }
    CudaContext ctx = CudaContext.open();
    try (CudaContext.Scope s = ctx.enter()) {
      String cublasProblem =
          mode.equals("own")
              ? "cuBLAS not used (-D" + GEMM_PROPERTY + "=own)"
              : CudaProbe.cublasProblem();
      CublasGemm fp32 = null;
      CublasGemm tf32 = null;
      if (cublasProblem == null) {
        try {
          fp32 = CublasGemm.create(false);
          tf32 = tensorCores ? CublasGemm.create(true) : null;
        } catch (CudaException | LinkageError e) {
          if (fp32 != null) {
            fp32.close();
            fp32 = null;
          }
          cublasProblem = "cuBLAS 12 failed to start (" + e.getMessage() + ")";
        }
      }
      if (cublasProblem != null && mode.equals("cublas")) {
        ctx.close();
        throw new UnsupportedOperationException(
            "-D" + GEMM_PROPERTY + "=cublas but " + cublasProblem);
      }
      Gemm fp32Gemm = fp32 != null ? fp32 : new Gemm.Own(ctx);
      Gemm distance = tf32 != null ? tf32 : fp32Gemm;
      String note = cublasProblem == null ? "" : "; " + cublasProblem + ", using the own SGEMM";
      if (tensorCores && tf32 == null) {
        note += "; TF32 requested but needs cuBLAS: running FP32";
      }
      return new CudaSession(ctx, distance, fp32Gemm, note);
    } catch (RuntimeException | LinkageError e) {
      ctx.close();
      throw e;
    }
  }

  public CudaContext context() {
    return context;
  }

  Gemm distanceGemm() {
    return distanceGemm;
  }

  Gemm fp32Gemm() {
    return fp32Gemm;
  }

  /** True when distance blocks use reduced-precision products (then k-NN refines candidates). */
  public boolean tensorCores() {
    return distanceGemm.reducedPrecision();
  }

  /** One line: device, GEMM and any fallback taken. */
  public String describe() {
    return "cuda: "
        + context.device().describe()
        + ", GEMM: "
        + distanceGemm.description()
        + gemmNote;
  }

  /** Device bytes a pass may plan with now, when {@code held} bytes are already resident. */
  long budget(long held) {
    return MemoryBudget.budget(context.memInfo()[0], held);
  }

  @Override
  public void close() {
    try (CudaContext.Scope s = context.enter()) {
      if (distanceGemm != fp32Gemm) {
        distanceGemm.close();
      }
      fp32Gemm.close();
    } catch (IllegalStateException alreadyClosed) {
      // idempotent
    } finally {
      context.close();
    }
  }
}
