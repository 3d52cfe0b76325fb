package io.github.embeddinggeometry.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.embeddinggeometry.backend.BackendProvider;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registration, probing and fallback; the no-GPU assertions skip on a machine that has one. */
class CudaBackendProviderTest {

  @Test
  void isRegisteredAboveTheCpu() {
    List<BackendProvider> providers = Backends.providers();
    assertThat(providers).extracting(BackendProvider::name).contains("cuda", "cpu");
    BackendProvider cuda =
        providers.stream().filter(p -> p.name().equals("cuda")).findFirst().orElseThrow();
    assertThat(cuda).isInstanceOf(CudaBackendProvider.class);
    assertThat(cuda.priority()).isPositive();
    assertThat(providers.get(0).name()).isEqualTo("cuda");
  }

  @Test
  void probingNeverThrowsAndIsStable() {
    List<String> first = new CudaBackendProvider().unavailableReasons();
    assertThat(new CudaBackendProvider().unavailableReasons()).isEqualTo(first);
    assertThat(CudaBackend.isAvailable()).isEqualTo(first.isEmpty());
  }

  @Test
  void withoutGpuEachReasonNamesTheProblemAndTheFix() {
    List<String> reasons = CudaBackend.unavailableReasons();
    assumeFalse(reasons.isEmpty(), "a GPU is usable here");
    assertThat(reasons).allSatisfy(r -> assertThat(r).isNotBlank().doesNotContain("\n"));
    assertThat(String.join(" ", reasons))
        .containsAnyOf("libcuda.so.1", "no CUDA-capable GPU", "driver", "compute capability");
  }

  @Test
  void withoutGpuAskingForCudaThrowsAndBestFallsBackToCpu() {
    List<String> reasons = CudaBackend.unavailableReasons();
    assumeFalse(reasons.isEmpty(), "a GPU is usable here");
    assertThatThrownBy(() -> Backends.create("cuda"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cuda")
        .hasMessageContaining(reasons.get(0));
    assertThatThrownBy(CudaBackend::create)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining(reasons.get(0));
    ComputeBackend best = Backends.create("best");
    assertThat(best.name()).isEqualTo("cpu");
  }

  @Test
  void precisionPropertyIsValidated() {
    String old = System.getProperty(CudaPrecision.PROPERTY);
    try {
      System.setProperty(CudaPrecision.PROPERTY, "TF32");
      assertThat(CudaPrecision.fromProperty()).isEqualTo(CudaPrecision.TF32);
      System.setProperty(CudaPrecision.PROPERTY, "fp16");
      assertThatThrownBy(CudaPrecision::fromProperty)
          .hasMessageContaining("fp16")
          .hasMessageContaining("embgeo.cuda.precision");
    } finally {
      if (old == null) {
        System.clearProperty(CudaPrecision.PROPERTY);
      } else {
        System.setProperty(CudaPrecision.PROPERTY, old);
      }
    }
  }
}
