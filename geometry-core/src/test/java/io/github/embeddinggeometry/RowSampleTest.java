package io.github.embeddinggeometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RowSampleTest {
  @Test
  void distinctAscendingReproducibleAndSeedDependent() {
    int[] a = RowSample.ids(1000, 100, 42);
    assertThat(a).hasSize(100).isSorted().doesNotHaveDuplicates();
    assertThat(Arrays.stream(a).allMatch(i -> i >= 0 && i < 1000)).isTrue();
    assertThat(RowSample.ids(1000, 100, 42)).isEqualTo(a);
    assertThat(RowSample.ids(1000, 100, 43)).isNotEqualTo(a);
    assertThat(RowSample.ids(5, 5, 1)).containsExactly(0, 1, 2, 3, 4);
    assertThat(RowSample.ids(5, 0, 1)).isEmpty();
  }

  @Test
  void everyRowIsEquallyLikely() {
    // 4,000 draws of 3 of 6 rows: each row is kept with probability 1/2, so 2,000 times
    // (binomial sd 32); a skewed shuffle (j drawn from 0..n-1) misses this by far more.
    int[] kept = new int[6];
    for (long seed = 0; seed < 4000; seed++) {
      for (int i : RowSample.ids(6, 3, seed)) {
        kept[i]++;
      }
    }
    for (int k : kept) {
      assertThat(k).isBetween(2000 - 160, 2000 + 160);
    }
  }

  @Test
  void theSampleHoldsTheRowsItNames() {
    float[][] rows = new float[10][];
    for (int i = 0; i < 10; i++) {
      rows[i] = new float[] {i, -i};
    }
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(rows);
    EmbeddingMatrix s = RowSample.of(w, 4, 7);
    int[] ids = RowSample.ids(10, 4, 7);
    assertThat(s.ids()).isEqualTo(ids);
    for (int r = 0; r < 4; r++) {
      assertThat(s.row(r)).containsExactly(ids[r], -ids[r]);
    }
    assertThat(RowSample.of(w, 10, 7)).isSameAs(w);
    assertThatThrownBy(() -> RowSample.ids(3, 4, 0)).hasMessageContaining("0..3");
  }
}
