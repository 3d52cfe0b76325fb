package io.github.embeddinggeometry.blas.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import org.bytedeco.javacpp.Loader;

/**
 * Test helpers. On the platform whose natives the build bundles (linux-x86_64) OpenBLAS must load;
 * elsewhere the native tests are skipped with the reason.
 */
public final class BlasTests {
  private BlasTests() {}

  /** Skips the test where OpenBLAS cannot run, fails it where it should. */
  public static void requireNatives() {
    if (Loader.getPlatform().equals("linux-x86_64")) {
      assertThat(Native.reasons()).as("OpenBLAS on linux-x86_64").isEmpty();
    }
    assumeTrue(Native.reasons().isEmpty(), () -> String.join("; ", Native.reasons()));
  }

  static SgemmTileKernel kernel() {
    requireNatives();
    return new SgemmTileKernel(CpuEngine.kernel());
  }
}
