package io.github.embeddinggeometry.blas.internal;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import java.util.List;
import java.util.Locale;

/**
 * Whether {@code best} should choose the BLAS backend: each kernel times one engine tile of its own
 * size ({@link TileKernel#tileRows()} x {@link TileKernel#tileCols()}: 240 x 256 for the Java
 * kernels) over a depth of {@link #K} on one thread, through {@link TileKernel#tile} (so the BLAS
 * side pays its copies as the engine does), within a fixed budget, and BLAS is chosen only where it
 * is faster.
 */
public final class Calibration {
  /** Depth of the timed product: a Java kernel's A, B and C then take 0.7 MB, in L2. */
  static final int K = 256;

  /** Total time both kernels may take, warm-up included. */
  static final long BUDGET_NANOS = 100_000_000L;

  private Calibration() {}

  /** GFLOP/s of both kernels on the standard product. */
  public record Rates(double blas, double java) {
    /** Why BLAS should not be the {@code best} choice; empty when it is faster. */
    public List<String> notBestReasons() {
      if (blas > java) {
        return List.of();
      }
      return List.of(
          String.format(
              Locale.ROOT,
              "OpenBLAS sgemm measured %.1f GFLOP/s, not faster than the pure-Java kernel's %.1f"
                  + " on a tile of depth %d (-Dembgeo.backend=blas uses it anyway)",
              blas,
              java,
              K));
    }
  }

  /**
   * Times both kernels; the pure-Java one gets the larger share of the budget, as it must be
   * compiled by the JIT first.
   */
  public static Rates measure(TileKernel blas, TileKernel java) {
    double blasRate = gflops(blas, BUDGET_NANOS * 2 / 5);
    return new Rates(blasRate, javaGflops(java, BUDGET_NANOS * 3 / 5));
  }

  /**
   * The pure-Java kernel's rate: the CPU backend's own calibrated rate of the shape it chose (a
   * per-flop rate on core's standard product, which runs the same two-depth-block micro-kernel
   * passes as an engine tile), so both backends are compared with the shape the CPU backend
   * actually uses. Only where core has no settled choice (calibration off, or no shape was ready
   * within its budget) is the kernel timed here on this class's product.
   */
  static double javaGflops(TileKernel java, long budgetNanos) {
    double calibrated = CpuEngine.calibratedGflops().orElse(Double.NaN);
    return calibrated > 0 && Double.isFinite(calibrated) ? calibrated : gflops(java, budgetNanos);
  }

  /**
   * GFLOP/s of {@code kern} on the standard product: half the budget warms up, the rest is timed
   * call by call, and the fastest call counts; at least one call each, so a kernel still
   * interpreted by the JVM can overrun the budget by about two calls (it then measures slow, which
   * is what it is at that moment).
   */
  static double gflops(TileKernel kern, long budgetNanos) {
    int mr = kern.mr();
    int nr = kern.nr();
    int rows = kern.tileRows();
    int cols = kern.tileCols();
    int aPanels = (rows + mr - 1) / mr;
    int bPanels = (cols + nr - 1) / nr;
    float[] a = values(aPanels * mr * K, 1);
    float[] b = values(bPanels * nr * K, 2);
    int ldc = bPanels * nr;
    float[] c = new float[aPanels * mr * ldc];
    long start = System.nanoTime();
    long warm = start + budgetNanos / 2;
    long end = start + budgetNanos;
    do {
      kern.tile(a, aPanels, b, 0, bPanels, K, c, ldc);
    } while (System.nanoTime() < warm);
    long best = Long.MAX_VALUE;
    do {
      long t0 = System.nanoTime();
      kern.tile(a, aPanels, b, 0, bPanels, K, c, ldc);
      best = Math.min(best, System.nanoTime() - t0);
    } while (System.nanoTime() < end);
    return 2.0 * aPanels * mr * bPanels * nr * K / Math.max(1, best);
  }

  /** Deterministic values in [-1, 1): the timing does not depend on them. */
  private static float[] values(int count, int seed) {
    float[] v = new float[count];
    long x = seed * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < count; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      v[i] = (x >>> 40) / (float) (1 << 23) - 1f;
    }
    return v;
  }
}
