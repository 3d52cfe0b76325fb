package io.github.embeddinggeometry.blas.internal;

import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Loads OpenBLAS (the JavaCPP build without LAPACK) once per JVM and makes it single-threaded: the
 * engine already runs one GEMM per worker thread, so OpenBLAS's own threads would oversubscribe the
 * cores.
 */
public final class Native {
  private Native() {}

  private static final class Holder {
    static final List<String> REASONS = reasons(Native::load);
  }

  /**
   * Loads the natives and multiplies 2 by 3 through {@code cblas_sgemm}: JavaCPP loads nothing, and
   * says nothing, on a platform its presets do not name, and the first native call would fail
   * later.
   */
  private static void load() {
    Loader.load(openblas_nolapack.class);
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
    try (FloatPointer a = new FloatPointer(2f);
        FloatPointer b = new FloatPointer(3f);
        FloatPointer c = new FloatPointer(1L)) {
      openblas_nolapack.cblas_sgemm(
          openblas_nolapack.CblasRowMajor,
          openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasTrans,
          1,
          1,
          1,
          1f,
          a,
          1,
          b,
          1,
          0f,
          c,
          1);
      if (c.get() != 6f) {
        throw new IllegalStateException("OpenBLAS sgemm gives " + c.get() + " for 2 x 3");
      }
    }
  }

  /**
   * Why OpenBLAS cannot be used here (empty when it can); the first call loads the natives.
   *
   * @return the reasons, each naming the fix
   */
  public static List<String> reasons() {
    return Holder.REASONS;
  }

  /** The reasons a loader's failure gives; a loader that returns normally gives none. */
  static List<String> reasons(Runnable loader) {
    try {
      loader.run();
      return List.of();
    } catch (RuntimeException | LinkageError e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return List.of(
          "OpenBLAS natives could not be loaded for platform "
              + platform()
              + " ("
              + root
              + "); add org.bytedeco:openblas and org.bytedeco:javacpp with this platform's"
              + " classifier (geometry-blas/README.md)");
    }
  }

  private static String platform() {
    try {
      return Loader.getPlatform();
    } catch (RuntimeException | LinkageError e) {
      return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
    }
  }

  /** Throws when the natives are not usable: for code paths that need them. */
  static void require() {
    List<String> r = reasons();
    if (!r.isEmpty()) {
      throw new UnsupportedOperationException(String.join("; ", r));
    }
  }
}
