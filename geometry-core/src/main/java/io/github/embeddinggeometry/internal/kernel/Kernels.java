package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.internal.Settings;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
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
    Class<?> cls = MethodHandles.lookup().findClass(SIMD_CLASS);
    TileKernel k;
    try {
      k =
          (TileKernel)
              MethodHandles.lookup()
                  .findConstructor(cls, MethodType.methodType(void.class))
                  .invoke();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    smokeTest(k);
    return k;
  }

  /** Multiplies a small pair of panels and compares with exact integer arithmetic. */
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
    for (int r = 0; r < mr; r++) {
      for (int j = 0; j < nr; j++) {
        float want = 0;
        for (int t = 0; t < kc; t++) {
          want += ap[t * mr + r] * bp[t * nr + j];
        }
        if (c[r * nr + j] != want) {
          throw new IllegalStateException(
              "smoke test failed at (" + r + ", " + j + "): " + c[r * nr + j] + " != " + want);
        }
      }
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
