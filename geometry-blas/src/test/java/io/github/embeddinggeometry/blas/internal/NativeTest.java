package io.github.embeddinggeometry.blas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeTest {
  @Test
  void aLoaderThatFailsGivesOneReasonNamingThePlatformAndTheFix() {
    List<String> reasons =
        Native.reasons(
            () -> {
              throw new NoClassDefFoundError("org/bytedeco/openblas/global/openblas_nolapack");
            });
    assertThat(reasons).hasSize(1);
    assertThat(reasons.get(0))
        .contains("OpenBLAS natives could not be loaded")
        .contains("openblas_nolapack")
        .contains("classifier");
  }

  @Test
  void theRootCauseIsNamed() {
    List<String> reasons =
        Native.reasons(
            () -> {
              throw new RuntimeException(
                  "wrapped", new UnsatisfiedLinkError("no jniopenblas_nolapack in java.library"));
            });
    assertThat(reasons.get(0)).contains("UnsatisfiedLinkError: no jniopenblas_nolapack");
  }

  @Test
  void aLoaderThatReturnsGivesNone() {
    assertThat(Native.reasons(() -> {})).isEmpty();
  }
}
