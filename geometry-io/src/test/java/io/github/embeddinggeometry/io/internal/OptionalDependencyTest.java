package io.github.embeddinggeometry.io.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/**
 * The optional artifacts as this module's tests see them (both on the test class path); the lean
 * class path without them is checked by the lean-app module in a JVM of its own.
 */
class OptionalDependencyTest {
  @Test
  void coordinatesCarryTheVersionsOfTheBuild() {
    // The versions the root pom pins, passed by surefire: a filtering mistake leaves "${...}".
    assertThat(OptionalDependency.TOKENIZERS.coordinates())
        .isEqualTo("ai.djl.huggingface:tokenizers:" + System.getProperty("embgeo.djl.version"));
    assertThat(OptionalDependency.PROTOBUF.coordinates())
        .isEqualTo(
            "com.google.protobuf:protobuf-java:" + System.getProperty("embgeo.protobuf.version"));
  }

  @Test
  void presentArtifactsPass() {
    assertThat(OptionalDependency.TOKENIZERS.isPresent()).isTrue();
    assertThat(OptionalDependency.PROTOBUF.isPresent()).isTrue();
    assertThatCode(() -> OptionalDependency.PROTOBUF.require("reading x.onnx"))
        .doesNotThrowAnyException();
  }

  @Test
  void anAbsentClassIsAbsent() {
    assertThat(OptionalDependency.isPresent("com.google.protobuf.NoSuchClassAnywhere")).isFalse();
  }

  @Test
  void theMessageNamesTheTaskTheArtifactAndTheModule() {
    assertThat(OptionalDependency.TOKENIZERS.missing("decoding the tokenizer t.json"))
        .startsWith("decoding the tokenizer t.json needs ai.djl.huggingface:tokenizers:")
        .contains("--add-modules ai.djl.tokenizers")
        .doesNotContain("\n");
  }
}
