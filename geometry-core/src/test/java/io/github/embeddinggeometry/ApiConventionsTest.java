package io.github.embeddinggeometry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.testing.ApiConventions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiConventionsTest {
  @Test
  void everyMethodTakingAProgressListenerHasAnOverloadWithout() {
    List<Class<?>> types = ApiConventions.publicTypes(Path.of("src/main/java"));
    assertThat(types).contains(EmbeddingMatrix.class, io.github.embeddinggeometry.frame.Pca.class);
    assertThat(ApiConventions.progressMethodsWithoutOverload(types)).isEmpty();
  }
}
