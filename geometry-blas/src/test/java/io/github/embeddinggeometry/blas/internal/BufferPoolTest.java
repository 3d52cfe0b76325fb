package io.github.embeddinggeometry.blas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @BeforeAll
  static void natives() {
    BlasTests.requireNatives();
  }

  @Test
  void aKeptBufferIsHandedOutAgainInsteadOfANewOne() {
    BufferPool pool = new BufferPool(1000);
    FloatPointer p = pool.take(100);
    assertThat(p.capacity()).isGreaterThanOrEqualTo(100);
    pool.give(p);
    assertThat(pool.retained()).isEqualTo(p.capacity());
    FloatPointer again = pool.take(60);
    assertThat(again.address()).isEqualTo(p.address());
    assertThat(pool.retained()).isZero();
    pool.give(again);
    pool.clear();
    assertThat(pool.retained()).isZero();
  }

  @Test
  void theSmallestFittingBufferIsChosen() {
    BufferPool pool = new BufferPool(10_000);
    FloatPointer big = pool.take(500);
    FloatPointer small = pool.take(100);
    pool.give(big);
    pool.give(small);
    assertThat(pool.take(80).address()).isEqualTo(small.address());
    assertThat(pool.take(80).address()).isEqualTo(big.address());
    FloatPointer fresh = pool.take(80);
    assertThat(fresh.address()).isNotIn(small.address(), big.address());
    fresh.close();
    big.close();
    small.close();
  }

  @Test
  void neverKeepsMoreThanItsLimitAndPrefersLargeBuffers() {
    BufferPool pool = new BufferPool(250);
    FloatPointer a = pool.take(100);
    FloatPointer b = pool.take(100);
    FloatPointer c = pool.take(200);
    pool.give(a);
    pool.give(b);
    assertThat(pool.retained()).isEqualTo(200);
    pool.give(c); // drops both smaller ones to keep the 200
    assertThat(pool.retained()).isEqualTo(200);
    assertThat(pool.take(150).address()).isEqualTo(c.address());
    FloatPointer huge = pool.take(300);
    pool.give(huge); // over the limit on its own: freed
    assertThat(pool.retained()).isZero();
    pool.give(null);
    assertThat(pool.retained()).isZero();
    c.close();
  }

  @Test
  void refusedNativeMemoryFreesWhatIsKeptAndTriesOnceMore() {
    int[] calls = {0};
    BufferPool pool =
        new BufferPool(
            1000,
            n -> {
              if (++calls[0] == 2) {
                throw new OutOfMemoryError("refused");
              }
              return new FloatPointer(n);
            });
    FloatPointer kept = pool.take(100);
    pool.give(kept);
    assertThat(pool.retained()).isEqualTo(100);
    FloatPointer big = pool.take(500); // refused once: the kept buffer is freed, then it succeeds
    assertThat(calls[0]).isEqualTo(3);
    assertThat(pool.retained()).isZero();
    assertThat(big.capacity()).isEqualTo(500);
    big.close();
    BufferPool never =
        new BufferPool(
            1000,
            n -> {
              throw new OutOfMemoryError("refused");
            });
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> never.take(10))
        .isInstanceOf(OutOfMemoryError.class);
  }
}
