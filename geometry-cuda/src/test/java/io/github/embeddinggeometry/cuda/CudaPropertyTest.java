package io.github.embeddinggeometry.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.backend.Backends;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dembgeo.backend=cuda} (the build runs this test in a JVM of its own with it set): where
 * no GPU can be used, {@link Backends#get()} throws the documented exception with every probe
 * reason on every call; where one can, it is the CUDA backend.
 */
class CudaPropertyTest {
  @Test
  void askingForCudaByPropertyFailsOnEveryCallWithTheReasons() {
    if (!"cuda".equals(System.getProperty("embgeo.backend"))) {
      return;
    }
    List<String> reasons = CudaBackend.unavailableReasons();
    if (reasons.isEmpty()) {
      assertThat(Backends.get().name()).isEqualTo("cuda");
      return;
    }
    for (int call = 0; call < 3; call++) {
      assertThatThrownBy(Backends::get)
          .isExactlyInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("backend 'cuda' cannot run here")
          .hasMessageContaining(reasons.get(0));
    }
    assertThat(Backends.cpu().name()).isEqualTo("cpu");
  }
}
