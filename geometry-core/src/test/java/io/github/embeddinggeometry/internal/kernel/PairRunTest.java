package io.github.embeddinggeometry.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pairwise first pass's per-value loops, plain Java and Vector API, against direct counts and a
 * BigDecimal sum.
 */
class PairRunTest {
  static Stream<Level2> loops() {
    Optional<SimdProvider.Vector> v = SimdProvider.anyVector();
    return v.isPresent()
        ? Stream.of(ScalarLevel2.INSTANCE, v.get().level2())
        : Stream.of(ScalarLevel2.INSTANCE);
  }

  /** Distances around 2^3, a few far out (strays), zeros and -0. */
  private static float[] values(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(20);
      v[i] =
          kind == 0
              ? 0f
              : kind == 1
                  ? -0f
                  : kind == 2
                      ? (float) Math.scalb(1 + r.nextDouble(), r.nextInt(60) - 40)
                      : (float) (8 + 4 * r.nextGaussian() * r.nextGaussian());
      v[i] = Math.abs(v[i]) == 0 ? v[i] : Math.abs(v[i]);
    }
    return v;
  }

  @ParameterizedTest
  @MethodSource("loops")
  void aRunGivesExactExtremesZerosAndSum(Level2 l2) {
    SplittableRandom r = new SplittableRandom(5);
    int bin = 127 + 3 - (Level2.SUM_BINADES - 3);
    for (int round = 0; round < 300; round++) {
      for (int len : new int[] {1, 7, 8, 9, 100, Level2.RUN}) {
        float[] v = values(r, len + 3);
        long[] acc = {Float.floatToRawIntBits(Float.POSITIVE_INFINITY), 0, 5, -1, -1};
        assertThat(l2.firstPassRun(v, 3, len, bin, acc)).isEqualTo(-1);
        float min = Float.POSITIVE_INFINITY;
        float max = 0;
        long zeros = 0;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal strays = BigDecimal.ZERO;
        long strayCount = 0;
        for (int t = 3; t < 3 + len; t++) {
          float x = v[t] + 0f;
          min = Math.min(min, x);
          max = Math.max(max, x);
          zeros += x == 0 ? 1 : 0;
          int e = Math.getExponent(x) + 127;
          if (x > 0 && (e < bin || e >= bin + Level2.SUM_BINADES)) {
            strays = strays.add(new BigDecimal(x));
            strayCount++;
          } else {
            sum = sum.add(new BigDecimal(x));
          }
        }
        assertThat(Float.intBitsToFloat((int) acc[Level2.MIN])).isEqualTo(min);
        assertThat(Float.intBitsToFloat((int) acc[Level2.MAX])).isEqualTo(max);
        assertThat(acc[Level2.ZEROS]).isEqualTo(5 + zeros);
        assertThat(acc[Level2.STRAYS]).isEqualTo(strayCount);
        BigDecimal unit = new BigDecimal(Math.scalb(1.0, bin - 150));
        assertThat(new BigDecimal(acc[Level2.SUM]).multiply(unit)).isEqualByComparingTo(sum);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("loops")
  void theFirstNegativeOrNaNValueIsReported(Level2 l2) {
    SplittableRandom r = new SplittableRandom(6);
    for (float bad : new float[] {-1f, Float.NaN, -Float.MIN_VALUE}) {
      for (int at : new int[] {0, 5, 17, 33, 99}) {
        float[] v = values(r, 100);
        v[at] = bad;
        if (at < 99) {
          v[99] = -2f; // a later bad value must not be the one reported
        }
        long[] acc = new long[5];
        acc[Level2.MIN] = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
        assertThat(l2.firstPassRun(v, 0, 100, 120, acc)).as("%s at %d", bad, at).isEqualTo(at);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("loops")
  void keepBandKeepsTheBandInOrderAndCountsBelow(Level2 l2) {
    SplittableRandom r = new SplittableRandom(7);
    for (int len : new int[] {0, 1, 15, 16, 17, 1000}) {
      float[] v = values(r, len + 2);
      float lo = 7.5f;
      float hi = 9f;
      float[] keep = new float[len + 4];
      long[] below = {3};
      int end = l2.keepBand(v, 2, len, lo, hi, keep, 4, below);
      List<Float> want = new ArrayList<>();
      long under = 0;
      for (int t = 2; t < 2 + len; t++) {
        float x = v[t] + 0f;
        if (x >= lo && x < hi) {
          want.add(x);
        }
        under += x < lo ? 1 : 0;
      }
      assertThat(end - 4).isEqualTo(want.size());
      for (int i = 0; i < want.size(); i++) {
        assertThat(keep[4 + i]).isEqualTo(want.get(i));
      }
      assertThat(below[0]).isEqualTo(3 + under);
    }
  }
}
