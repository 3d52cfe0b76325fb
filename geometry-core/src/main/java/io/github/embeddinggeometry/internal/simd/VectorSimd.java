package io.github.embeddinggeometry.internal.simd;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.kernel.Bf16;
import io.github.embeddinggeometry.internal.kernel.Level2;
import io.github.embeddinggeometry.internal.kernel.SimdProvider;

/**
 * Everything this package offers, behind the one class that {@code internal.kernel.SimdProvider}
 * loads reflectively (after checking that {@code jdk.incubator.vector} is readable): the tile
 * kernels of every shape, the level-2 loops and the bf16 decoder, all on this JVM's species.
 */
public final class VectorSimd implements SimdProvider.Vector {
  /**
   * Called reflectively.
   *
   * @throws UnsupportedOperationException if vectors are narrower than 128 bits
   */
  public VectorSimd() {
    if (VectorTileKernel.S.vectorBitSize() < 128) {
      throw new UnsupportedOperationException(
          "vector size is " + VectorTileKernel.S.vectorBitSize() + " bits; at least 128 needed");
    }
  }

  @Override
  public int bits() {
    return VectorTileKernel.S.vectorBitSize();
  }

  @Override
  public boolean fma() {
    return VectorTileKernel.FMA;
  }

  @Override
  public int[] tileRows() {
    // The safe shape first: when the budget runs out, it was timed.
    return new int[] {6, 4, 8, 12};
  }

  @Override
  public TileKernel tileKernel(int rows) {
    return VectorTileKernel.create(rows);
  }

  @Override
  public Level2 level2() {
    // The hardware's FMA, not -Dembgeo.fma: that property selects the tile kernels' sequence only.
    return new VectorLevel2(VectorTileKernel.hardwareFma());
  }

  @Override
  public Bf16.Decoder bf16() {
    return new VectorBf16();
  }
}
