package io.github.embeddinggeometry.internal.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** TopK against a full sort by (key, index) of everything offered. */
class TopKTest {
  private record Candidate(float key, int index) {}

  private static final Comparator<Candidate> ORDER =
      Comparator.comparingDouble(Candidate::key).thenComparingInt(Candidate::index);

  @Test
  void keepsTheKSmallestByKeyThenIndexWhateverTheOrder() {
    Random r = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      int k = 1 + r.nextInt(25);
      int offered = k + r.nextInt(400);
      // few distinct keys in some trials: many ties, broken by the lower index
      int distinct = r.nextBoolean() ? 3 + r.nextInt(10) : 1_000_000;
      List<Candidate> all = new ArrayList<>();
      for (int i = 0; i < offered; i++) {
        float key = r.nextInt(distinct) * 0.25f;
        if (r.nextInt(50) == 0) {
          key = Float.POSITIVE_INFINITY;
        }
        all.add(new Candidate(key, r.nextInt(1 << 20) * 512 + i)); // distinct indices
      }
      List<Candidate> expected = new ArrayList<>(all);
      expected.sort(ORDER);
      expected = expected.subList(0, k);
      for (int order = 0; order < 3; order++) {
        Collections.shuffle(all, r);
        int rows = 3;
        int row = r.nextInt(rows);
        TopK top = new TopK(rows, k, 1.0);
        top.reset(rows);
        float lastWorst = Float.POSITIVE_INFINITY;
        for (Candidate c : all) {
          float worstBefore = top.worst(row);
          boolean changed = top.offer(row, c.key(), c.index());
          // the threshold only tightens, and only when the heap changes
          assertThat(top.worst(row)).isLessThanOrEqualTo(lastWorst);
          if (!changed) {
            assertThat(top.worst(row)).isEqualTo(worstBefore);
          }
          lastWorst = top.worst(row);
        }
        assertThat(top.worst(row))
            .as("the threshold is the k-th best")
            .isEqualTo(expected.get(k - 1).key());
        // the other rows stay empty: each row its own heap
        for (int other = 0; other < rows; other++) {
          if (other != row) {
            assertThat(top.worst(other)).isEqualTo(Float.POSITIVE_INFINITY);
            top.offer(other, 0f, 0);
            for (int i = 1; i < k; i++) {
              top.offer(other, 1f, i);
            }
          }
        }
        int[] outIdx = new int[rows * k];
        float[] outKey = new float[rows * k];
        top.drain(rows, 0, outIdx, outKey);
        for (int j = 0; j < k; j++) {
          Candidate want = expected.get(j);
          assertThat(outKey[row * k + j])
              .as("trial %d rank %d key", trial, j)
              .isEqualTo(want.key());
          assertThat(outIdx[row * k + j])
              .as("trial %d rank %d index", trial, j)
              .isEqualTo(want.index());
        }
      }
    }
  }

  @Test
  void theBoundHoldsEveryCandidateThatCanStillEnter() {
    // bound is in the squared scaled domain: with scale 1, a key d enters only if d^2 <= bound
    TopK top = new TopK(1, 2, 1.0);
    top.reset(1);
    assertThat(top.bound(0)).isEqualTo(Float.POSITIVE_INFINITY);
    top.offer(0, 3f, 1);
    assertThat(top.bound(0)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(top.offer(0, 2f, 2)).isTrue(); // two held: the first threshold
    assertThat(top.worst(0)).isEqualTo(3f);
    assertThat(top.bound(0)).isGreaterThanOrEqualTo(9f);
    assertThat(top.offer(0, 3f, 5)).as("equal key, higher index").isFalse();
    assertThat(top.offer(0, 4f, 0)).as("greater key").isFalse();
  }

  @Test
  void aRowWithFewerThanKCandidatesIsAnError() {
    TopK top = new TopK(2, 3, 1.0);
    top.reset(2);
    for (int i = 0; i < 3; i++) {
      top.offer(0, i, i);
    }
    top.offer(1, 1f, 0);
    assertThatThrownBy(() -> top.drain(2, 10, new int[36], new float[36]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("row 11 has 1 < k");
  }
}
