package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.RowLoops;
import io.github.embeddinggeometry.internal.Settings;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides how this JVM computes, the way Apache Lucene's {@code
 * VectorizationProvider} does: the JDK Vector API ({@code internal.simd}, one reflective lookup of
 * {@link Vector}) when the incubator module {@code jdk.incubator.vector} is in the boot layer,
 * readable, and its kernels pass a smoke test; plain Java otherwise. It hands out the three things
 * that depend on that: the tile kernel, the level-2 loops and the bf16 decoder.
 *
 * <p>The tile kernel's shape is chosen lazily, on first use, by {@link Calibration} (about 1.5 s
 * once per machine and JDK, then cached), unless {@code -Dembgeo.tile.rows} forces it or {@code
 * -Dembgeo.calibrate=false} turns calibration off (then 6 rows, the shape measured safe on every
 * machine tried). Every shape gives the same bits, so the choice changes speed only.
 *
 * <p>Missing Vector API: one WARNING names the fix ({@code --add-modules jdk.incubator.vector});
 * {@code -Dembgeo.vector=false} chooses plain Java without one.
 */
public final class SimdProvider {
  /** What {@code internal.simd} offers, on this JVM's species. */
  public interface Vector {
    /** Bits per float vector. */
    int bits();

    /** Whether the tile kernels use fused multiply-add. */
    boolean fma();

    /** The micro-tile row counts there are kernels for. */
    int[] tileRows();

    /** The tile kernel of {@code rows} rows. */
    TileKernel tileKernel(int rows);

    /** The level-2 loops. */
    Level2 level2();

    /** The bf16 decoder. */
    Bf16.Decoder bf16();
  }

  /**
   * Default calibration budget: long enough for the JIT to compile every shape before it is timed
   * (a shorter budget timed no shape on a quiet machine, so every process fell back to 6 rows and
   * calibrated again), and paid once per machine and JDK, then read from the cache.
   */
  static final int DEFAULT_BUDGET_MS = 1500;

  /** Rows of the tile when calibration is off, or fails. */
  static final int SAFE_ROWS = 6;

  private static final String MODULE = "jdk.incubator.vector";
  private static final String VECTOR_CLASS = "io.github.embeddinggeometry.internal.simd.VectorSimd";
  private static final System.Logger LOG = System.getLogger(SimdProvider.class.getName());

  private final Vector vector;
  private final Level2 level2;
  private Bf16.Decoder bf16;
  private volatile TileKernel kernel;
  private Calibration.Result calibration;
  private String how;

  private SimdProvider(Vector vector) {
    this.vector = vector;
    this.level2 = vector == null ? ScalarLevel2.INSTANCE : vector.level2();
    RowLoops.register(level2);
  }

  private static final class Holder {
    static final SimdProvider INSTANCE = new SimdProvider(lookup());
  }

  /** Holds the provider for the Vector API whether or not the properties allow it (tests). */
  private static final class AnyHolder {
    static final Optional<Vector> VECTOR = Optional.ofNullable(loadVector());
  }

  /** The provider of this JVM, made once. */
  public static SimdProvider get() {
    return Holder.INSTANCE;
  }

  /** The Vector API's parts regardless of {@code -Dembgeo.vector}, or empty when unusable. */
  static Optional<Vector> anyVector() {
    return Holder.INSTANCE.vector != null ? Optional.of(Holder.INSTANCE.vector) : AnyHolder.VECTOR;
  }

  /** True when the Vector API is in use. */
  public boolean vectorized() {
    return vector != null;
  }

  /** Bits per float vector of the Vector API in use, or 0 for plain Java. */
  public int vectorBits() {
    return vector == null ? 0 : vector.bits();
  }

  /** The tile kernel, chosen on the first call (which may calibrate). */
  public TileKernel tileKernel() {
    TileKernel k = kernel;
    if (k != null) {
      return k;
    }
    synchronized (this) {
      if (kernel == null) {
        // written last: a thread that sees the kernel sees its guard, the calibration and how
        kernel = chooseKernel();
      }
      return kernel;
    }
  }

  /**
   * The calibration behind {@link #tileKernel()}, or empty when the shape was not calibrated (plain
   * Java, forced, calibration off). Its choice is null when no shape was timed in time (then 6
   * rows).
   */
  public synchronized Optional<Calibration.Result> calibration() {
    tileKernel();
    return Optional.ofNullable(calibration);
  }

  /** How the tile kernel was chosen, in words ("calibrated", "forced by -D...", ...). */
  public synchronized String choice() {
    tileKernel();
    return how;
  }

  /** The level-2 loops that go with {@code kern}: Vector API ones for a Vector API kernel. */
  public Level2 level2(TileKernel kern) {
    return kern == ScalarTileKernel.INSTANCE ? ScalarLevel2.INSTANCE : level2;
  }

  /** The bf16 decoder (checked on first use, so that only readers of bf16 pay for the check). */
  public synchronized Bf16.Decoder bf16() {
    if (bf16 == null) {
      bf16 = vector == null ? Bf16.scalar() : checkedBf16(vector);
    }
    return bf16;
  }

  /**
   * The choice in words, for {@code geometry info} and the benchmarks: CPU, JDK, vector width, the
   * tile kernel and how it was chosen, and the calibration table. Lines without line ends.
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add("CPU:          " + Calibration.cpuModel());
    out.add(
        "JDK:          "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.vm.version"));
    out.add(
        "Vector API:   "
            + (vector == null
                ? "not in use"
                : vector.bits() + "-bit, " + vector.bits() / 32 + " float lanes"));
    TileKernel k = tileKernel();
    Optional<Calibration.Result> cal = calibration();
    out.add("tile kernel:  " + k.description() + " (" + choice() + ")");
    if (cal.isPresent()) {
      out.add(
          String.format(
              java.util.Locale.ROOT,
              "calibration:  %d x %d x %d product on one thread, GFLOP/s",
              Calibration.M,
              Calibration.N,
              Calibration.K));
      for (Calibration.Entry e : cal.get().entries()) {
        String status =
            e.name().equals(cal.get().chosen())
                ? "chosen"
                : e.status() == Calibration.Status.OK
                    ? ""
                    : e.status() == Calibration.Status.CLIFF ? "JIT cliff" : "failed";
        out.add(
            String.format(
                    java.util.Locale.ROOT,
                    "  %-20s %8s  %s%s",
                    e.name(),
                    Double.isNaN(e.gflops())
                        ? "-"
                        : String.format(java.util.Locale.ROOT, "%.1f", e.gflops()),
                    status,
                    e.note().isEmpty() ? "" : " (" + e.note() + ")")
                .stripTrailing());
      }
      java.nio.file.Path dir = Settings.cacheDir();
      out.add(
          "cache:        "
              + (cal.get().chosen() == null
                  ? "no shape trusted yet (timed again next time) in "
                  : !cal.get().settled()
                      ? "provisional (shapes not ready are timed again next time) in "
                      : cal.get().cached() ? "read from " : "written to ")
              + (dir == null ? "(none)" : dir.toAbsolutePath()));
    }
    return out;
  }

  /** Chooses the kernel, sets {@link #how} and {@link #calibration}. */
  private TileKernel chooseKernel() {
    if (vector == null) {
      how = "plain Java";
      return ScalarTileKernel.INSTANCE;
    }
    int forced = Settings.tileRows();
    if (forced != 0) {
      how = "forced by -D" + Settings.TILE_ROWS + "=" + forced;
      return shapeOrScalar(vector, forced);
    }
    if (!Settings.calibrate()) {
      how = "-D" + Settings.CALIBRATE + "=false: " + SAFE_ROWS + " rows";
      return shapeOrScalar(vector, SAFE_ROWS);
    }
    List<TileCandidate> cands = tileCandidates(vector);
    long budget = Settings.positiveInt(Settings.CALIBRATE_MS, DEFAULT_BUDGET_MS) * 1_000_000L;
    Optional<Calibration.Result> r =
        Calibration.calibrate(
            cands,
            Settings.cacheDir(),
            Calibration.machineKey(vector.bits(), vector.fma()),
            budget,
            System::nanoTime);
    if (r.isEmpty() || r.get().chosen() == null) {
      calibration = r.orElse(null);
      // Nothing got compiled in time (a busy machine): the safe shape, and another try next time.
      how = "calibration timed no shape: " + SAFE_ROWS + " rows";
      LOG.log(System.Logger.Level.DEBUG, "embedding-geometry kernel " + how);
      return shapeOrScalar(vector, SAFE_ROWS);
    }
    Calibration.Result cal = r.get();
    String safeName = null;
    for (TileCandidate c : cands) {
      if (c.kernel.mr() == SAFE_ROWS) {
        safeName = c.name();
      }
    }
    String use = safeName == null ? cal.chosen() : Calibration.trusted(cal, safeName);
    if (!use.equals(cal.chosen())) {
      // Shown as calibrated without a choice, so nothing reports the untrusted shape's rate.
      calibration = new Calibration.Result(cal.entries(), null, cal.cached(), false);
      how =
          "calibration not settled (busy machine), "
              + cal.chosen()
              + " never compared with the"
              + " safe shape: "
              + SAFE_ROWS
              + " rows";
      LOG.log(System.Logger.Level.DEBUG, "embedding-geometry kernel " + how);
      return shapeOrScalar(vector, SAFE_ROWS);
    }
    TileKernel chosen = null;
    for (TileCandidate c : cands) {
      if (c.name().equals(cal.chosen())) {
        chosen = c.kernel;
      }
    }
    chosen.watchRate(new RateGuard(chosen.description(), cal.best().gflops()));
    calibration = cal;
    how = cal.cached() ? "calibrated (cached)" : "calibrated";
    LOG.log(System.Logger.Level.DEBUG, () -> "embedding-geometry CPU kernel " + how + ": " + cal);
    return chosen;
  }

  /** The kernel of {@code rows} rows, or the scalar one when it fails its smoke test. */
  private static TileKernel shapeOrScalar(Vector v, int rows) {
    try {
      TileKernel k = v.tileKernel(rows);
      Kernels.smokeTest(k);
      return k;
    } catch (RuntimeException | LinkageError e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API kernel unusable (" + e + "): the CPU kernels run scalar Java");
      return ScalarTileKernel.INSTANCE;
    }
  }

  /** One candidate per shape that passes its smoke test. */
  static List<TileCandidate> tileCandidates(Vector v) {
    List<TileCandidate> out = new ArrayList<>();
    for (int rows : v.tileRows()) {
      try {
        TileKernel k = v.tileKernel(rows);
        Kernels.smokeTest(k);
        out.add(new TileCandidate(k, v.bits()));
      } catch (RuntimeException | LinkageError e) {
        LOG.log(System.Logger.Level.DEBUG, rows + "-row kernel unusable: " + e);
      }
    }
    return out;
  }

  /** A tile kernel as a calibration candidate: its micro-kernel over packed panels. */
  static final class TileCandidate implements Calibration.Candidate {
    final TileKernel kernel;
    private final String name;

    TileCandidate(TileKernel kernel, int bits) {
      this.kernel = kernel;
      this.name = "java-" + bits + "bit-" + kernel.mr() + "x" + kernel.nr();
    }

    @Override
    public String name() {
      return name;
    }

    /** The timed pass without a warm-up (tests). */
    Runnable pass(float[] a, float[] b, float[] c) {
      return new Sweep(kernel, a, b, c);
    }

    @Override
    public Runnable prepare(float[] a, float[] b, float[] c, long warmNanos)
        throws TimeoutException {
      Sweep sweep = new Sweep(kernel, a, b, c);
      // Warmed up through the same method that is then timed: a warm-up loop of its own could be
      // compiled with the kernel inlined into it, leaving the timed caller in the interpreter.
      if (!sweep.warm(warmNanos)) {
        // A pass of uncompiled code would take seconds.
        throw new TimeoutException("not compiled within " + warmNanos / 1_000_000 + " ms");
      }
      return sweep;
    }
  }

  /** The standard product as micro-kernel calls over packed panels, to a settable depth. */
  private static final class Sweep implements Runnable {
    /**
     * A rate (GFLOP/s) no interpreted or C1-compiled Vector API code reaches (it boxes every
     * vector: about 0.1) and compiled code always passes, even without intrinsics for the width.
     */
    static final double COMPILED_GFLOPS = 1.0;

    /** Depth of the warm-up calls: short, so that many calls (what C2 counts) cost little. */
    static final int WARM_DEPTH = 8;

    final TileKernel kernel;
    final float[] ap;
    final float[] bp;
    final float[] c;
    final int bPanels;
    int aPanels;
    int depth = Calibration.K;

    Sweep(TileKernel kernel, float[] a, float[] b, float[] c) {
      this.kernel = kernel;
      this.ap = pack(a, Calibration.M, kernel.mr(), Calibration.K);
      this.bp = pack(b, Calibration.N, kernel.nr(), Calibration.K);
      this.c = c;
      this.aPanels = Calibration.M / kernel.mr();
      this.bPanels = Calibration.N / kernel.nr();
    }

    @Override
    public void run() {
      int mr = kernel.mr();
      int nr = kernel.nr();
      int k = Calibration.K;
      int n = Calibration.N;
      // Two depth blocks, as TileKernel.tile runs them on every machine for d >= 2 kc: the second
      // adds into C, and a kernel that C2 compiled without that path (its accumulators merged
      // from loads and zeros) is not the kernel production runs, and can be many times faster.
      int half = depth / 2;
      for (int ip = 0; ip < aPanels; ip++) {
        for (int jp = 0; jp < bPanels; jp++) {
          int ao = ip * k * mr;
          int bo = jp * k * nr;
          int co = ip * mr * n + jp * nr;
          kernel.micro(ap, ao, bp, bo, half, c, co, n, false);
          kernel.micro(ap, ao + half * mr, bp, bo + half * nr, depth - half, c, co, n, true);
        }
      }
    }

    /**
     * Shallow sweeps until C2 has compiled the kernel (three in a row at compiled speed) or the
     * time is up (false): C2 compiles after enough calls, and a full-depth sweep in the interpreter
     * or C1 takes a hundred times longer than compiled.
     */
    boolean warm(long warmNanos) {
      // Small sweeps, so that the time is checked often while the code is still slow.
      int all = aPanels;
      aPanels = Math.min(all, 4);
      depth = WARM_DEPTH;
      double flops = 2.0 * aPanels * kernel.mr() * Calibration.N * WARM_DEPTH;
      long start = System.nanoTime();
      int fast = 0;
      while (fast < 3 && System.nanoTime() - start < warmNanos) {
        long t0 = System.nanoTime();
        run();
        fast = flops / (System.nanoTime() - t0) >= COMPILED_GFLOPS ? fast + 1 : 0;
      }
      depth = Calibration.K;
      if (fast == 3) {
        // Once more at full depth: seen deoptimized back into the interpreter right after a fast
        // warm-up (a full pass then took seconds and was timed as the kernel's rate).
        long t0 = System.nanoTime();
        run();
        double full = 2.0 * aPanels * kernel.mr() * Calibration.N * Calibration.K;
        fast = full / (System.nanoTime() - t0) >= COMPILED_GFLOPS ? fast : 0;
      }
      aPanels = all;
      return fast == 3;
    }

    /** Row-major {@code rows x depth} into panels of {@code w} rows, depth-major in each. */
    private static float[] pack(float[] m, int rows, int w, int depth) {
      float[] p = new float[rows * depth];
      for (int r = 0; r < rows; r++) {
        int o = (r / w) * depth * w + r % w;
        for (int t = 0; t < depth; t++) {
          p[o + t * w] = m[r * depth + t];
        }
      }
      return p;
    }
  }

  // ------------------------------------------------------------------ finding the Vector API

  private static Vector lookup() {
    if (!Settings.vector()) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "embedding-geometry CPU kernels: scalar Java (-D" + Settings.VECTOR + "=false)");
      return null;
    }
    Optional<Module> module = ModuleLayer.boot().findModule(MODULE);
    if (module.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API not available: the CPU kernels run scalar Java, several times slower;"
              + " start java with --add-modules "
              + MODULE
              + " to enable it");
      return null;
    }
    if (!SimdProvider.class.getModule().canRead(module.get())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API present but not readable by "
              + SimdProvider.class.getModule()
              + ": the CPU kernels run scalar Java; add 'requires "
              + MODULE
              + "' or start java with --add-modules "
              + MODULE);
      return null;
    }
    String jit = jitProblem();
    if (jit != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API not used: " + jit + "; the CPU kernels run scalar Java");
      return null;
    }
    try {
      Vector v = createVector();
      Kernels.smokeTest(v.tileKernel(SAFE_ROWS));
      return v;
    } catch (Exception | LinkageError e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API unusable (" + e + "): the CPU kernels run scalar Java");
      return null;
    }
  }

  /** The Vector API's parts without checks of the properties, or null; logs nothing. */
  private static Vector loadVector() {
    try {
      Vector v = createVector();
      Kernels.smokeTest(v.tileKernel(SAFE_ROWS));
      return v;
    } catch (Exception | LinkageError e) {
      return null;
    }
  }

  private static Vector createVector() throws Exception {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      throw new UnsupportedOperationException("module " + MODULE + " is not in the boot layer");
    }
    try {
      Class<?> cls = MethodHandles.lookup().findClass(VECTOR_CLASS);
      return (Vector)
          MethodHandles.lookup().findConstructor(cls, MethodType.methodType(void.class)).invoke();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The Vector API decoder when it widens every 16-bit pattern exactly, else the scalar one. */
  private static Bf16.Decoder checkedBf16(Vector v) {
    try {
      Bf16.Decoder d = v.bf16();
      short[] probe = new short[1 << 16];
      for (int i = 0; i < probe.length; i++) {
        probe[i] = (short) i;
      }
      float[] out = new float[probe.length];
      d.decode(probe, out, 0, probe.length);
      for (int i = 0; i < probe.length; i++) {
        if (Float.floatToRawIntBits(out[i]) != i << 16) {
          return Bf16.scalar();
        }
      }
      return d;
    } catch (RuntimeException | LinkageError e) {
      return Bf16.scalar();
    }
  }

  /** Why the JIT cannot run vector code fast (C2 disabled), or null. */
  private static String jitProblem() {
    try {
      var bean =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (bean == null) {
        return null;
      }
      String level = bean.getVMOption("TieredStopAtLevel").getValue();
      if (!level.equals("4") && !level.isEmpty()) {
        return "-XX:TieredStopAtLevel=" + level + " disables the C2 compiler; remove that option";
      }
      return null;
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }
}
