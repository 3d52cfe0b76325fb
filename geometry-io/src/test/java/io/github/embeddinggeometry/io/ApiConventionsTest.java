package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.io.tensor.Tensor;
import io.github.embeddinggeometry.testing.ApiConventions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiConventionsTest {
  @Test
  void longOperationsTakeTheirListenerLastAndHaveNoOverloadWithout() {
    List<Class<?>> types = ApiConventions.publicTypes(Path.of("src/main/java"));
    assertThat(types).contains(EmbeddingSources.class, HfModelDirectory.class, Tensor.class);
    assertThat(ApiConventions.progressStyleViolations(types)).isEmpty();
  }
}
