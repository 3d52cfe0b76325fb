package io.github.embeddinggeometry.internal.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Bf16Test {
  /** bf16 is by definition the high half of a float32: the expectation is bit arithmetic. */
  private static int expectedBits(int pattern) {
    return (pattern & 0xffff) << 16;
  }

  @Test
  void everyPatternWidensExactlyInBothByteOrdersAndOddSpans() {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      int n = 1 << 16;
      ByteBuffer buf = ByteBuffer.allocate(2 * n + 6).order(order);
      buf.position(6);
      for (int i = 0; i < n; i++) {
        buf.putShort(6 + 2 * i, (short) i);
      }
      // Spans that are not multiples of the vector width, at an odd destination offset.
      for (int span : new int[] {1, 7, 13, n - 3, n}) {
        float[] dst = new float[span + 5];
        Bf16.decode(buf.slice().order(order), dst, 5, span);
        for (int i = 0; i < span; i++) {
          assertThat(Float.floatToRawIntBits(dst[5 + i]))
              .as("%s pattern %04x", order, i)
              .isEqualTo(expectedBits(i));
        }
        assertThat(dst[4]).isZero();
      }
      assertThat(buf.position()).isEqualTo(6);
    }
  }

  @Test
  void vectorDecoderIsUsedWheneverTheVectorKernelsAre() {
    assertThat(Bf16.implementation()).isEqualTo(Kernels.vectorized() ? "Vector API" : "scalar");
  }

  @Test
  void scalarDecoderAgreesOnAllPatterns() {
    short[] src = new short[1 << 16];
    for (int i = 0; i < src.length; i++) {
      src[i] = (short) i;
    }
    float[] dst = new float[src.length];
    Bf16.scalar().decode(src, dst, 0, src.length);
    for (int i = 0; i < src.length; i++) {
      assertThat(Float.floatToRawIntBits(dst[i])).isEqualTo(expectedBits(i));
    }
  }
}
