package io.github.embeddinggeometry.internal.kernel;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tile kernels, as {@link SimdProvider} chose them: the one in use, the scalar oracle, and for
 * tests every Vector API shape.
 */
public final class Kernels {
  private Kernels() {}

  /** The kernel in use, chosen once (the first call may calibrate: see {@link Calibration}). */
  public static TileKernel get() {
    return SimdProvider.get().tileKernel();
  }

  /** The scalar kernel (the oracle for tests). */
  public static TileKernel scalar() {
    return ScalarTileKernel.INSTANCE;
  }

  /** True when the Vector API is in use. */
  public static boolean vectorized() {
    return SimdProvider.get().vectorized();
  }

  /**
   * The Vector API kernel regardless of {@code -Dembgeo.vector}, without logging: the one in use
   * when the Vector API is, else the forced or the safe shape.
   *
   * @return the kernel, or empty when the module is absent or unusable
   */
  public static Optional<TileKernel> vectorKernel() {
    if (vectorized()) {
      return Optional.of(get());
    }
    return SimdProvider.anyVector()
        .map(
            v ->
                v.tileKernel(
                    Settings.tileRows() != 0 ? Settings.tileRows() : SimdProvider.SAFE_ROWS));
  }

  /**
   * The Vector API kernel of every micro-tile shape on this JVM's species, for tests: each must
   * give the same bits as every other.
   *
   * @return the kernels, or an empty list when the module is absent or unusable
   */
  public static List<TileKernel> vectorKernels() {
    List<TileKernel> out = new ArrayList<>();
    SimdProvider.anyVector()
        .ifPresent(
            v -> {
              for (SimdProvider.TileCandidate c : SimdProvider.tileCandidates(v)) {
                out.add(c.kernel);
              }
            });
    return out;
  }

  /**
   * Multiplies a small pair of panels, into float32 and added into float64, and compares with exact
   * integer arithmetic.
   */
  static void smokeTest(TileKernel k) {
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
}
