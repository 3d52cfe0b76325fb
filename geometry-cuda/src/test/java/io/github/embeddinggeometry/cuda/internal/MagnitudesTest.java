package io.github.embeddinggeometry.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import org.junit.jupiter.api.Test;

/** Which rows the device computes and which go to the CPU backend. */
class MagnitudesTest {
  private static EmbeddingMatrix rows(float v, int d) {
    float[] x = new float[2 * d];
    x[d + 1] = v;
    x[0] = 0.5f;
    return EmbeddingMatrix.wrap(x, 2, d);
  }

  @Test
  void embeddingsAreSafeAndExtremesAreNot() {
    assertThat(Magnitudes.safe(rows(3f, 2560))).isTrue();
    assertThat(Magnitudes.safe(EmbeddingMatrix.wrap(new float[8], 2, 4))).isTrue();
    assertThat(Magnitudes.safe(rows(1e30f, 4))).isFalse();
    assertThat(Magnitudes.safe(rows(1e14f, 2560))).isFalse();
    float[] tiny = {1e-20f, 0, 0, -3e-21f};
    assertThat(Magnitudes.safe(EmbeddingMatrix.wrap(tiny, 2, 2))).isFalse();
    // a view: only its own rows count
    float[] mixed = {1e30f, 0, 0.25f, 1};
    assertThat(Magnitudes.safe(EmbeddingMatrix.wrap(mixed, 2, 2).select(new int[] {1}))).isTrue();
  }
}
