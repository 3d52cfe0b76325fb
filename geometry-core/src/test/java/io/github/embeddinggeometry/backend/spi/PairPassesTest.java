package io.github.embeddinggeometry.backend.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairPassesTest {
  /** Values with repeats, exact zeros and a spread over several binades. */
  private static float[] values(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i % 17 == 0 ? 0f : i % 5 == 0 ? 3.25f : (float) Math.exp(r.nextGaussian() * 2);
    }
    return v;
  }

  /** First pass over {@code v} in pieces of {@code piece}, merged in reverse order. */
  private static PairPasses.First firstPass(float[] v, int[] window, int piece) {
    int parts = (v.length + piece - 1) / piece;
    PairPasses.First[] p = new PairPasses.First[parts];
    for (int k = 0; k < parts; k++) {
      p[k] = new PairPasses.First(window);
      int from = k * piece;
      assertThat(p[k].accept(v, from, Math.min(piece, v.length - from))).isEqualTo(-1);
    }
    PairPasses.First all = new PairPasses.First(window);
    for (int k = parts - 1; k >= 0; k--) {
      all.add(p[k]);
    }
    return all;
  }

  @Test
  void firstPassMatchesADirectComputationWhateverThePieces() {
    float[] v = values(10_001, 1);
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    BigDecimal exact = BigDecimal.ZERO;
    for (float x : v) {
      exact = exact.add(new BigDecimal(x));
    }
    int[] window =
        PairPasses.window(
            v.clone(), PairPasses.MAX_BINS); // the whole set as its own sample: the median inside
    for (int piece : new int[] {997, 3_001, 10_001}) {
      PairPasses.First f = firstPass(v, window, piece);
      assertThat(f.count()).isEqualTo(v.length);
      assertThat(f.min()).isEqualTo(sorted[0]);
      assertThat(f.max()).isEqualTo(sorted[sorted.length - 1]);
      assertThat(f.zeros()).isEqualTo(Arrays.stream(boxed(v)).filter(x -> x == 0f).count());
      assertThat(f.sum()).isEqualTo(exact.doubleValue());
      long median = (v.length - 1) / 2;
      assertThat(f.inWindow(median)).isEqualTo(sorted[(int) median]);
    }
  }

  @Test
  void theSumIsExactOverEveryBinadeAndAGrowingMaximum() {
    Random r = new Random(7);
    float[] v = new float[20_000];
    for (int i = 0; i < v.length; i++) {
      // the first half within a few binades, then everything from subnormals to 2^127
      int e = i < v.length / 2 ? r.nextInt(4) - 2 : r.nextInt(277) - 149;
      v[i] = (float) Math.scalb(1 + r.nextDouble(), e);
    }
    BigDecimal exact = BigDecimal.ZERO;
    for (float x : v) {
      exact = exact.add(new BigDecimal(x));
    }
    for (int piece : new int[] {255, 256, 257, 4_999, 20_000}) {
      assertThat(firstPass(v, new int[] {0, 0}, piece).sum())
          .as("pieces of %d", piece)
          .isEqualTo(exact.doubleValue());
    }
    float[] inf = {1f, Float.POSITIVE_INFINITY, 2f};
    PairPasses.First f = new PairPasses.First(new int[] {0, 0});
    assertThat(f.accept(inf, 0, 3)).isEqualTo(-1);
    assertThat(f.sum()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(f.max()).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void ranksOutsideTheWindowAreNaNAndTheSecondPassFindsThem() {
    float[] v = values(5_000, 2);
    float[] sorted = v.clone();
    Arrays.sort(sorted);
    // a window holding only the largest value
    float top = sorted[sorted.length - 1];
    PairPasses.First f = firstPass(v, PairPasses.window(top, top, Float.NaN, 1), 333);
    assertThat(f.inWindow(sorted.length - 1)).isEqualTo(top);
    assertThat(f.inWindow(2_499)).isNaN();
    assertThat(f.inWindow(0)).isNaN();
    for (long[] ranks : new long[][] {{2_499, 2_500}, {0, 0}, {17, 4_999}, {2_000, 2_000}}) {
      PairPasses.Second merged = f.second(ranks[0], ranks[1]);
      for (int from = 0; from < v.length; from += 999) {
        PairPasses.Second part = f.second(ranks[0], ranks[1]);
        part.accept(v, from, Math.min(999, v.length - from));
        merged.add(part);
      }
      assertThat(merged.values()).containsExactly(sorted[(int) ranks[0]], sorted[(int) ranks[1]]);
    }
  }

  @Test
  void noWindowCountsNothingInsideIt() {
    float[] v = values(100, 3);
    PairPasses.First f = firstPass(v, new int[] {0, 0}, 10);
    assertThat(f.inWindow(50)).isNaN();
    assertThat(PairPasses.window(new float[0], 5)).containsExactly(0, 0);
  }

  @Test
  void negativeAndNaNValuesAreReportedByIndex() {
    PairPasses.First f = new PairPasses.First(new int[] {0, 0});
    assertThat(f.accept(new float[] {1f, 2f, -1f, 3f}, 1, 3)).isEqualTo(2);
    assertThat(new PairPasses.First(new int[] {0, 0}).accept(new float[] {Float.NaN}, 0, 1))
        .isZero();
    assertThat(new PairPasses.First(new int[] {0, 0}).accept(new float[] {-0f, 0f}, 0, 2))
        .isEqualTo(-1);
  }

  @Test
  void windowsAreBoundedAndValidated() {
    int[] w = PairPasses.window(1f, 1e30f, 5f, PairPasses.MAX_BINS);
    assertThat(w[1]).isEqualTo(PairPasses.MAX_BINS);
    int centre = Float.floatToRawIntBits(5f);
    assertThat(centre).isBetween(w[0], w[0] + w[1] - 1);
    assertThat(PairPasses.window(2f, 2f, Float.NaN, 9))
        .containsExactly(Float.floatToRawIntBits(2f), 1);
    assertThatThrownBy(() -> PairPasses.window(2f, 1f, Float.NaN, 9))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PairPasses.window(new float[] {1f, Float.NaN}, 9))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new PairPasses.First(new int[] {0, 2}).add(new PairPasses.First(new int[] {0, 3})))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Float[] boxed(float[] v) {
    Float[] b = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = v[i];
    }
    return b;
  }
}
