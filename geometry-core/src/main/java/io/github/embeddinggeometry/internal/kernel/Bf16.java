package io.github.embeddinggeometry.internal.kernel;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;

/**
 * bf16 to float32 widening (exact: the 16 bits become the high half of the float), vectorised when
 * {@link SimdProvider} chose the Vector API. Used by the readers of geometry-io.
 *
 * <p>Why not a plain loop: JDK 17's C2 does not auto-vectorise {@code intBitsToFloat(s << 16)},
 * which then runs at about 2 GB/s, a fraction of memory bandwidth.
 */
public final class Bf16 {
  /** Widens {@code n} bf16 values. Implementations are stateless and thread-safe. */
  public interface Decoder {
    /**
     * @param src bf16 bit patterns in {@code src[0, n)}. Not modified.
     * @param dst Modified: receives the floats at {@code off}
     */
    void decode(short[] src, float[] dst, int off, int n);
  }

  private static final int CHUNK = 4096;
  private static final Decoder IMPL = SimdProvider.get().bf16();

  private Bf16() {}

  /**
   * Widens {@code n} bf16 values held in {@code src} (from its position, in its byte order) into
   * {@code dst[off .. off + n)}. The buffer's position is not changed.
   */
  public static void decode(ByteBuffer src, float[] dst, int off, int n) {
    ShortBuffer s = src.duplicate().order(src.order()).asShortBuffer();
    short[] chunk = new short[Math.min(n, CHUNK)];
    for (int done = 0; done < n; done += chunk.length) {
      int k = Math.min(chunk.length, n - done);
      s.get(chunk, 0, k);
      IMPL.decode(chunk, dst, off + done, k);
    }
  }

  /** Description of the implementation in use. */
  public static String implementation() {
    return IMPL instanceof Scalar ? "scalar" : "Vector API";
  }

  static Decoder scalar() {
    return Scalar.INSTANCE;
  }

  private static final class Scalar implements Decoder {
    static final Scalar INSTANCE = new Scalar();

    @Override
    public void decode(short[] src, float[] dst, int off, int n) {
      for (int i = 0; i < n; i++) {
        dst[off + i] = Float.intBitsToFloat(src[i] << 16);
      }
    }
  }
}
