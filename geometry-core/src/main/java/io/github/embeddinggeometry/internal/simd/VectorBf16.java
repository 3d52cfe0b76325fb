package io.github.embeddinggeometry.internal.simd;

import io.github.embeddinggeometry.internal.kernel.Bf16;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * bf16 widening with the Vector API: shorts sign-extended to ints (the high bits are shifted out
 * anyway), shifted left by 16, reinterpreted as floats.
 *
 * <pre>
 *   bf16  s eeeeeeee mmmmmmm                      (16 bits)
 *   f32   s eeeeeeee mmmmmmm 0000000000000000     (32 bits)
 * </pre>
 */
public final class VectorBf16 implements Bf16.Decoder {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

  /** Made by {@link VectorSimd}. */
  VectorBf16() {
    if (F.length() < 4 || S.length() != F.length()) {
      throw new UnsupportedOperationException("vectors too narrow: " + F);
    }
  }

  @Override
  public void decode(short[] src, float[] dst, int off, int n) {
    int lanes = F.length();
    int i = 0;
    IntVector sixteen = IntVector.broadcast(I, 16);
    for (int bound = n - lanes; i <= bound; i += lanes) {
      ShortVector v = ShortVector.fromArray(S, src, i);
      IntVector w = (IntVector) v.convertShape(VectorOperators.S2I, I, 0);
      w.lanewise(VectorOperators.LSHL, sixteen).reinterpretAsFloats().intoArray(dst, off + i);
    }
    for (; i < n; i++) {
      dst[off + i] = Float.intBitsToFloat(src[i] << 16);
    }
  }
}
