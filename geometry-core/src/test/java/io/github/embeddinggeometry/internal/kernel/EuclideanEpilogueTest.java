package io.github.embeddinggeometry.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fused Euclidean epilogue against its definition, written out per column. */
class EuclideanEpilogueTest {
  static Stream<TileKernel> kernels() {
    Optional<SimdProvider.Vector> v = SimdProvider.anyVector();
    return v.isPresent()
        ? Stream.of(ScalarTileKernel.INSTANCE, v.get().tileKernel(6))
        : Stream.of(ScalarTileKernel.INSTANCE);
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void distancesAndTheFirstColumnToRefineFollowTheDefinition(TileKernel k) {
    SplittableRandom r = new SplittableRandom(9);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(70);
      float[] c = new float[n + 5];
      float[] nb = new float[n + 3];
      float[] rb = new float[n + 3];
      for (int j = 0; j < n + 3; j++) {
        nb[j] = (float) (50 + r.nextDouble());
        rb[j] = 0.01f;
      }
      float na = 50.5f;
      for (int j = 0; j < n + 5; j++) {
        // mostly far apart; now and then a pair within the rounding bound
        c[j] = (float) (r.nextInt(12) == 0 ? 50.5 : 20 + r.nextDouble() * 10);
      }
      float scale = (float) Math.scalb(1.0, r.nextInt(9) - 4);
      float[] out = new float[n + 7];
      int got = k.euclideanDistances(c, 5, na, 0.02f, nb, rb, 3, n, scale, out, 2);
      int first = n;
      for (int j = 0; j < n; j++) {
        float v = (na + nb[3 + j]) - 2f * c[5 + j];
        assertThat(Float.floatToRawIntBits(out[2 + j]))
            .as("column %d of %d", j, n)
            .isEqualTo(
                Float.floatToRawIntBits(Math.scalb((float) Math.sqrt(v), Math.getExponent(scale))));
        if (first == n && !(v > 0.02f + rb[3 + j])) {
          first = j;
        }
      }
      assertThat(got).isEqualTo(first);
    }
  }
}
