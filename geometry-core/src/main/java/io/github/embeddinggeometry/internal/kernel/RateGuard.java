package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the calibrated kernel at work: the flops and the nanoseconds of every {@link
 * TileKernel#tile} call, summed over threads, so their ratio is the rate per thread, comparable
 * with the single-thread calibration. Over each window of {@link #WINDOW_FLOPS} (a large job:
 * seconds of work), a rate under {@link Calibration#CLIFF} of the calibrated one means the shape
 * fell off a JIT cliff after all (or the machine is far busier than when it was calibrated): one
 * WARNING per process names the shape, both rates, and the properties that choose another.
 *
 * <p>The process's first window is not judged: it holds the JIT's compilation of the callers and
 * the first touch of every buffer, well under the later windows' rate, and a guard that judged it
 * warned on healthy runs. A warning also needs {@link #LOW_WINDOWS} slow windows in a row, so it
 * speaks of the job, not of a moment.
 */
final class RateGuard implements TileKernel.RateWatch {
  /** Flops per window: about 2 s of one thread at 50 GFLOP/s. */
  static final long WINDOW_FLOPS = 100_000_000_000L;

  /** Consecutive slow windows before the warning. */
  static final int LOW_WINDOWS = 2;

  private static final System.Logger LOG = System.getLogger(RateGuard.class.getName());

  private final String shape;
  private final double calibratedGflops;
  private final long window;
  private final AtomicLong flops = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final AtomicLong windows = new AtomicLong();
  private final AtomicLong lowInARow = new AtomicLong();

  RateGuard(String shape, double calibratedGflops) {
    this(shape, calibratedGflops, WINDOW_FLOPS);
  }

  RateGuard(String shape, double calibratedGflops, long window) {
    this.shape = shape;
    this.calibratedGflops = calibratedGflops;
    this.window = window;
  }

  @Override
  public void tile(long flops, long nanos) {
    record(flops, nanos);
  }

  /** The rate the calibration measured, GFLOP/s. */
  @Override
  public double calibratedGflops() {
    return calibratedGflops;
  }

  /**
   * Adds one call's work; at the end of a window, checks the rate.
   *
   * @return the warning when this call logged it, else null
   */
  String record(long callFlops, long callNanos) {
    long ns = nanos.addAndGet(callNanos);
    long f = flops.addAndGet(callFlops);
    if (f < window || warned.get()) {
      return null;
    }
    // One thread closes the window; the others' calls go into the next one.
    if (!flops.compareAndSet(f, 0)) {
      return null;
    }
    nanos.addAndGet(-ns);
    double rate = (double) f / Math.max(1, ns);
    if (windows.getAndIncrement() == 0) {
      return null; // warm-up, see the class comment
    }
    if (rate >= Calibration.CLIFF * calibratedGflops) {
      lowInARow.set(0);
      return null;
    }
    if (lowInARow.incrementAndGet() < LOW_WINDOWS || !warned.compareAndSet(false, true)) {
      return null;
    }
    String msg =
        String.format(
            java.util.Locale.ROOT,
            "embedding-geometry CPU kernel (%s) ran at %.1f GFLOP/s per thread over %.0f GFLOP,"
                + " under a quarter of its calibrated %.1f GFLOP/s (a JIT cliff, or a much busier"
                + " machine); -D%s=4, 6, 8 or 12 forces another shape, -D%s=false uses %d rows",
            shape,
            rate,
            f / 1e9,
            calibratedGflops,
            Settings.TILE_ROWS,
            Settings.CALIBRATE,
            SimdProvider.SAFE_ROWS);
    LOG.log(System.Logger.Level.WARNING, msg);
    return msg;
  }
}
