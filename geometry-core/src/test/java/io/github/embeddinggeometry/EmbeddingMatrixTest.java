package io.github.embeddinggeometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Shapes, ids, views without copies, and the checks' messages. */
class EmbeddingMatrixTest {
  private static EmbeddingMatrix sample() {
    float[] x = new float[5 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    return EmbeddingMatrix.wrap(x, 5, 3);
  }

  @Test
  void wrapSharesAndChecksTheShape() {
    EmbeddingMatrix m = sample();
    assertThat(m.rows()).isEqualTo(5);
    assertThat(m.dim()).isEqualTo(3);
    assertThat(m.get(2, 1)).isEqualTo(7f);
    assertThat(m.row(4)).containsExactly(12f, 13f, 14f);
    assertThat(m.isContiguous()).isTrue();
    assertThat(m.ids()).containsExactly(0, 1, 2, 3, 4);
    assertThatThrownBy(() -> EmbeddingMatrix.wrap(new float[7], 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7 floats");
    assertThatThrownBy(() -> EmbeddingMatrix.wrap(new float[0], 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.get(5, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> m.get(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void selectionsAreViewsKeepingVocabularyIds() {
    EmbeddingMatrix m = sample();
    EmbeddingMatrix s = m.select(new int[] {4, 1, 4, 3});
    assertThat(s.ids()).containsExactly(1, 3, 4);
    assertThat(s.isContiguous()).isFalse();
    assertThat(s.backingArray()).isSameAs(m.backingArray());
    assertThat(s.row(0)).containsExactly(3f, 4f, 5f);
    assertThat(s.rowOf(3)).isEqualTo(1);
    assertThat(s.rowOf(2)).isNegative();
    assertThat(s.id(2)).isEqualTo(4);
    EmbeddingMatrix c = s.compact();
    assertThat(c.isContiguous()).isTrue();
    assertThat(c.ids()).containsExactly(1, 3, 4);
    assertThat(c.row(2)).containsExactly(12f, 13f, 14f);
    EmbeddingMatrix sl = m.slice(1, 3);
    assertThat(sl.ids()).containsExactly(1, 2);
    assertThat(s.select(new int[] {4}).row(0)).containsExactly(12f, 13f, 14f);
    assertThatThrownBy(() -> m.select(new int[] {9}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vocabulary id 9");
  }

  @Test
  void idsMustAscend() {
    EmbeddingMatrix m = sample();
    EmbeddingMatrix r = m.withIds(new int[] {10, 20, 30, 40, 50});
    assertThat(r.rowOf(30)).isEqualTo(2);
    assertThat(r.id(4)).isEqualTo(50);
    assertThatThrownBy(() -> m.withIds(new int[] {0, 2, 1, 3, 4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> m.withIds(new int[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 ids for 5 rows");
  }

  @Test
  void firstNonFiniteRowFollowsTheView() {
    float[] x = new float[4 * 2];
    x[2 * 2 + 1] = Float.NEGATIVE_INFINITY;
    EmbeddingMatrix m = EmbeddingMatrix.wrap(x, 4, 2);
    assertThat(m.firstNonFiniteRow()).isEqualTo(2);
    assertThat(m.select(new int[] {0, 1, 3}).firstNonFiniteRow()).isEqualTo(-1);
    assertThat(m.select(new int[] {2, 3}).firstNonFiniteRow()).isEqualTo(0);
  }

  @Test
  void copyOfChecksRaggedRows() {
    assertThat(EmbeddingMatrix.copyOf(new float[][] {{1, 2}, {3, 4}}).get(1, 0)).isEqualTo(3f);
    assertThatThrownBy(() -> EmbeddingMatrix.copyOf(new float[][] {{1, 2}, {3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 1");
  }
}
