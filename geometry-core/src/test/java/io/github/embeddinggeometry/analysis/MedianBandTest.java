package io.github.embeddinggeometry.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.backend.spi.FloatBitsHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MedianBandTest {
  private static float[] values(int n) {
    Random r = new Random(5);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (10 * Math.exp(0.2 * r.nextGaussian()));
    }
    return v;
  }

  private static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static List<Float> kept(MedianBand band) {
    List<Float> out = new ArrayList<>();
    for (MedianBand.Chunk c : band.chunks()) {
      for (int i = 0; i < c.length(); i++) {
        out.add(c.values()[i]);
      }
    }
    return out;
  }

  @Test
  void keepsExactlyTheValuesOfItsBuckets() {
    float[] v = values(50_000);
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    int[] b = MedianBand.of(v);
    assertThat(MedianBand.of(sorted)).containsExactly(b);
    MedianBand band = new MedianBand(b, Long.MAX_VALUE);
    for (int off = 0; off < v.length; off += 777) {
      band.add(v, off, Math.min(777, v.length - off));
    }
    List<Float> want = new ArrayList<>();
    for (float x : v) {
      int h = FloatBitsHistogram.high(x);
      if (h >= b[0] && h < b[0] + b[1]) {
        want.add(x);
      }
    }
    assertThat(kept(band)).containsExactlyInAnyOrderElementsOf(want);
    assertThat((double) want.size() / v.length)
        .isCloseTo(b[2] / 1e6, org.assertj.core.api.Assertions.within(1e-5));
    long below = Arrays.stream(boxed(v)).filter(x -> FloatBitsHistogram.high(x) < b[0]).count();
    assertThat(band.below()).isEqualTo(below);
    assertThat(band.holdsRanks(v.length / 2, v.length / 2)).isTrue();
    assertThat(band.holdsRanks(below - 1, v.length / 2)).isFalse();
    assertThat(band.holdsRanks(v.length / 2, below + want.size())).isFalse();
  }

  @Test
  void overTheBudgetItStopsKeepingAndHoldsNothing() {
    float[] v = values(10_000);
    MedianBand band = new MedianBand(MedianBand.of(v), 10); // not even one chunk
    band.add(v, 0, v.length);
    assertThat(band.holdsRanks(0, v.length - 1)).isFalse();
    assertThat(kept(band)).isEmpty();
  }
}
