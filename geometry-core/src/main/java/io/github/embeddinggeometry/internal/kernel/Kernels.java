package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.internal.Settings;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the micro-kernel once, at start-up, the way Apache Lucene's {@code VectorizationProvider}
 * does: the JDK Vector API ({@code internal.simd.VectorTileKernel}) when the incubator module
 * {@code jdk.incubator.vector} is in the boot layer, readable, and passes a small smoke test;
 * otherwise the plain-Java {@link ScalarTileKernel}. The choice is logged at DEBUG only: the CPU
 * backend's description names the kernel, and that description is the library's one INFO line (see
 * {@code Backends}). When the Vector API is missing, one WARNING names the fix ({@code
 * --add-modules jdk.incubator.vector}). {@code -Dembgeo.vector=false} forces the scalar kernel,
 * without a warning.
 *
 * <p>The Vector API kernel's micro-tile is chosen from the vector width and the register file
 * ({@link #tileRows}), as OpenBLAS and BLIS choose a kernel per architecture; its cache blocking
 * from the machine's caches ({@link CacheSizes}).
 */
public final class Kernels {
  private static final String MODULE = "jdk.incubator.vector";
  private static final String SIMD_CLASS =
      "io.github.embeddinggeometry.internal.simd.VectorTileKernel";
  private static final System.Logger LOG = System.getLogger(Kernels.class.getName());

  private Kernels() {}

  private static final class Holder {
    static final TileKernel DEFAULT = lookup();
  }

  /** The kernel in use, chosen once. */
  public static TileKernel get() {
    return Holder.DEFAULT;
  }

  /** The scalar kernel (the oracle for tests). */
  public static TileKernel scalar() {
    return ScalarTileKernel.INSTANCE;
  }

  /** True when {@link #get()} is the Vector API kernel. */
  public static boolean vectorized() {
    return get() != ScalarTileKernel.INSTANCE;
  }

  /**
   * Creates the Vector API kernel regardless of {@code -Dembgeo.vector}, without logging.
   *
   * @return the kernel, or empty with no reason when the module is absent or unusable
   */
  public static Optional<TileKernel> vectorKernel() {
    try {
      return Optional.of(createVector());
    } catch (Exception | LinkageError e) {
      return Optional.empty();
    }
  }

  /**
   * The Vector API kernel of every micro-tile shape (4, 6 and 12 rows) on this JVM's species, for
   * tests: each must give the same bits as the one {@link #vectorKernel()} chose.
   *
   * @return the kernels, or an empty list when the module is absent or unusable
   */
  public static List<TileKernel> vectorKernels() {
    List<TileKernel> out = new ArrayList<>();
    for (int rows : TILE_ROWS) {
      try {
        TileKernel k =
            (TileKernel)
                simd("create", MethodType.methodType(TileKernel.class, int.class)).invoke(rows);
        smokeTest(k);
        out.add(k);
      } catch (Throwable e) {
        return List.of();
      }
    }
    return out;
  }

  /** The micro-tile row counts there are kernels for. */
  private static final int[] TILE_ROWS = {4, 6, 12};

  /**
   * Rows of A per micro-tile for vectors of {@code vectorBits} on architecture {@code osArch}
   * ({@code os.arch}) on this JVM, see {@link #tileRows(int, String, int)}.
   */
  public static int tileRows(int vectorBits, String osArch) {
    return tileRows(vectorBits, osArch, Runtime.version().feature());
  }

  /**
   * Rows of A per micro-tile for vectors of {@code vectorBits} on architecture {@code osArch}
   * ({@code os.arch}) under a JDK of feature version {@code jdk}: 12 where the vector register file
   * has thirty-two registers (AVX-512 on x86, always on aarch64: NEON and SVE), so 24 accumulators,
   * two B vectors and a broadcast fit (BLIS's 32 x 12 float kernel on Skylake-X). With sixteen
   * registers (SSE, AVX, AVX2): 6 (BLIS's 6 x 16 on Haswell) up to JDK 24, 4 from JDK 25 on. Too
   * many rows spill accumulators to the stack, too few leave the FMA units waiting on loads and
   * broadcasts.
   *
   * <p>Why 4 from JDK 25: its C2 schedules the six broadcasts of the 6-row loop ahead of their
   * FMAs, needs a third temporary register and spills one accumulator to the stack on every step of
   * k (seen in the disassembly), which makes a store-to-load chain through that accumulator: the 6
   * x 16 GEMM ran at 20 GFLOP/s on one Zen 3 core under JDK 25.0.3 against 65 under 17; 4 x 16 ran
   * at 61 under both (2,048 x 2,048 x 2,560), and at 87-118 against 41 on two cores under 25. JDKs
   * 18-24 were not measured and keep 6; {@code -Dembgeo.tile.rows=4} chooses 4 there.
   */
  public static int tileRows(int vectorBits, String osArch, int jdk) {
    if (vectorRegisters(vectorBits, osArch) >= 32) {
      return 12;
    }
    return jdk >= 25 ? 4 : 6;
  }

  /** Vector registers the JIT can use for vectors of this width on this architecture. */
  static int vectorRegisters(int vectorBits, String osArch) {
    String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      return 32;
    }
    // x86: AVX-512 (the only source of 512-bit vectors) doubles the register file to 32; with
    // 128- and 256-bit vectors the JIT uses xmm/ymm 0-15 (HotSpot does not use 16-31 without
    // AVX-512VL, and a CPU that offers only 256-bit preferred vectors is not assumed to have it).
    return vectorBits >= 512 ? 32 : 16;
  }

  private static TileKernel lookup() {
    if (!Settings.vector()) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "embedding-geometry CPU kernels: scalar Java (-D" + Settings.VECTOR + "=false)");
      return ScalarTileKernel.INSTANCE;
    }
    Optional<Module> module = ModuleLayer.boot().findModule(MODULE);
    if (module.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API not available: the CPU kernels run scalar Java, several times slower;"
              + " start java with --add-modules "
              + MODULE
              + " to enable it");
      return ScalarTileKernel.INSTANCE;
    }
    if (!Kernels.class.getModule().canRead(module.get())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API present but not readable by "
              + Kernels.class.getModule()
              + ": the CPU kernels run scalar Java; add 'requires "
              + MODULE
              + "' or start java with --add-modules "
              + MODULE);
      return ScalarTileKernel.INSTANCE;
    }
    String jit = jitProblem();
    if (jit != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API not used: " + jit + "; the CPU kernels run scalar Java");
      return ScalarTileKernel.INSTANCE;
    }
    try {
      TileKernel k = createVector();
      LOG.log(System.Logger.Level.DEBUG, "embedding-geometry CPU kernels: " + k.description());
      return k;
    } catch (Exception | LinkageError e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Java Vector API unusable (" + e + "): the CPU kernels run scalar Java");
      return ScalarTileKernel.INSTANCE;
    }
  }

  private static TileKernel createVector() throws Exception {
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      throw new UnsupportedOperationException("module " + MODULE + " is not in the boot layer");
    }
    TileKernel k;
    try {
      k = (TileKernel) simd("create", MethodType.methodType(TileKernel.class)).invoke();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    smokeTest(k);
    return k;
  }

  private static java.lang.invoke.MethodHandle simd(String method, MethodType type)
      throws ReflectiveOperationException {
    Class<?> cls = MethodHandles.lookup().findClass(SIMD_CLASS);
    return MethodHandles.lookup().findStatic(cls, method, type);
  }

  /**
   * Multiplies a small pair of panels, into float32 and added into float64, and compares with exact
   * integer arithmetic.
   */
  private static void smokeTest(TileKernel k) {
    int mr = k.mr();
    int nr = k.nr();
    int kc = 3;
    float[] ap = new float[kc * mr];
    float[] bp = new float[kc * nr];
    for (int i = 0; i < ap.length; i++) {
      ap[i] = (i % 7) - 3;
    }
    for (int i = 0; i < bp.length; i++) {
      bp[i] = (i % 5) - 2;
    }
    float[] c = new float[mr * nr];
    k.micro(ap, 0, bp, 0, kc, c, 0, nr, false);
    double[] acc = new double[mr * nr + 1];
    java.util.Arrays.fill(acc, 0.5);
    k.microAddDouble(ap, 0, bp, 0, kc, acc, 1, new float[mr * nr]);
    for (int r = 0; r < mr; r++) {
      for (int j = 0; j < nr; j++) {
        float want = 0;
        for (int t = 0; t < kc; t++) {
          want += ap[t * mr + r] * bp[t * nr + j];
        }
        if (c[r * nr + j] != want || acc[1 + r * nr + j] != want + 0.5) {
          throw new IllegalStateException(
              "smoke test failed at ("
                  + r
                  + ", "
                  + j
                  + "): "
                  + c[r * nr + j]
                  + ", "
                  + acc[1 + r * nr + j]
                  + " - 0.5 != "
                  + want);
        }
      }
    }
    if (acc[0] != 0.5) {
      throw new IllegalStateException("smoke test: wrote before its offset");
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
