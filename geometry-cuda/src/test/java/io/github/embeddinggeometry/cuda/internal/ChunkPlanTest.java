package io.github.embeddinggeometry.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkPlanTest {
  private static final long GIB = 1L << 30;

  @Test
  void wholeVocabularyKnnFitsTheDefaultBudget() {
    // Qwen3-4B: 151,936 x 2,560, k = 20, queries are the base rows.
    ChunkPlan p = ChunkPlan.plan(151_936, 151_936, 2560, 20, true, 12 * GIB);
    assertThat(p.baseResident()).isTrue();
    assertThat(p.baseRows()).isEqualTo(151_936);
    assertThat(p.queryRows()).isEqualTo(ChunkPlan.MAX_QUERY_ROWS);
    assertThat(p.bytes()).isLessThanOrEqualTo(12 * GIB);
    // Independent count: rows + norms/ids + one distance block + top-k lists.
    long expect = 151_936L * (2560 * 4 + 12) + 8192L * (151_936L * 4 + 20 * 8);
    assertThat(p.bytes()).isEqualTo(expect);
  }

  @Test
  void memoryDoesNotGrowWithNSquared() {
    long budget = 2 * GIB;
    for (int n : new int[] {1_000, 100_000, 1_000_000, 10_000_000}) {
      ChunkPlan p = ChunkPlan.plan(n, n, 256, 20, true, budget);
      assertThat(p.bytes()).as("n = %d", n).isLessThanOrEqualTo(budget);
      assertThat((long) p.queryRows() * p.baseRows()).isLessThan((long) n * n + 1);
    }
  }

  @Test
  void streamsTheBaseWhenItDoesNotFitHalfTheBudget() {
    long budget = 256L << 20;
    ChunkPlan p = ChunkPlan.plan(100_000, 100_000, 2560, 20, true, budget);
    assertThat(p.baseResident()).isFalse();
    assertThat(p.baseRows() % ChunkPlan.ALIGN).isZero();
    assertThat((long) p.baseRows() * (2560 * 4 + 12)).isLessThanOrEqualTo(budget / 2);
    assertThat(p.bytes()).isLessThanOrEqualTo(budget);
    assertThat(p.queryRows()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void chunksAreTileAlignedAndNeverExceedTheRows() {
    ChunkPlan small = ChunkPlan.plan(7, 13, 5, 3, false, GIB);
    assertThat(small.queryRows()).isEqualTo(7);
    assertThat(small.baseRows()).isEqualTo(13);
    ChunkPlan mid = ChunkPlan.plan(50_000, 50_000, 1024, 0, false, 600L << 20);
    assertThat(mid.queryRows() % ChunkPlan.ALIGN).isZero();
    assertThat(mid.queryRows()).isLessThan(50_000);
  }

  @Test
  void tooSmallBudgetNamesTheNumbersAndTheFix() {
    assertThatThrownBy(() -> ChunkPlan.plan(10, 1_000_000, 4096, 10, false, 1 << 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("embgeo.cuda.memory")
        .hasMessageContaining("d = 4096");
    assertThatThrownBy(() -> ChunkPlan.plan(10, 0, 4, 1, false, GIB))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void memoryBudgetParsesSizesAndCapsByFreeMemory() {
    assertThat(MemoryBudget.parse(null)).isEqualTo(12 * GIB);
    assertThat(MemoryBudget.parse("64m")).isEqualTo(64L << 20);
    assertThat(MemoryBudget.parse(" 2G ")).isEqualTo(2 * GIB);
    assertThat(MemoryBudget.parse("4096")).isEqualTo(4096);
    assertThatThrownBy(() -> MemoryBudget.parse("lots"))
        .hasMessageContaining("embgeo.cuda.memory")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> MemoryBudget.parse("-1g"))
        .isInstanceOf(IllegalArgumentException.class);
    // 90% of free memory caps the default, held bytes count against the cap.
    assertThat(MemoryBudget.budget(10 * GIB, 0)).isEqualTo(10 * GIB / 10 * 9);
    assertThat(MemoryBudget.budget(80 * GIB, 2 * GIB)).isEqualTo(10 * GIB);
    assertThat(MemoryBudget.budget(80 * GIB, 13 * GIB)).isZero();
  }
}
