package io.github.embeddinggeometry.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.io.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windowed mapping with tiny windows, so that every read crosses window edges. */
class ByteRegionTest {
  @TempDir Path dir;

  @Test
  void tensorsReadAcrossSmallWindowsMatchTheHeapCopy() throws Exception {
    int n = 10_007;
    byte[] bytes = new byte[3 + 2 * n];
    new SplittableRandom(3).nextBytes(bytes);
    Path f = dir.resolve("raw.bin");
    Files.write(f, bytes);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      ByteRegion mapped = ByteRegion.map(ch, 3, 2L * n, 4096, 512).sub(0, 2L * n);
      assertThat(mapped.maxSlice()).isEqualTo(512);
      RegionTensor t =
          new RegionTensor(
              "f", "x", DType.BF16, new long[] {n}, null, 0, mapped, ByteOrder.LITTLE_ENDIAN, null);
      float[] got = t.toFloatArray();
      ByteBuffer ref = ByteBuffer.wrap(bytes, 3, 2 * n).slice().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        int bits = (ref.getShort(2 * i) & 0xffff) << 16;
        assertThat(Float.floatToRawIntBits(got[i])).isEqualTo(bits);
      }
      byte[] back = new byte[2 * n];
      mapped.get(0, back, 0, back.length);
      assertThat(back).isEqualTo(java.util.Arrays.copyOfRange(bytes, 3, 3 + 2 * n));
      // Odd-sized pieces at odd offsets.
      float[] part = new float[777];
      t.readFloats(4001, part, 0, 777);
      for (int i = 0; i < 777; i++) {
        assertThat(Float.floatToRawIntBits(part[i]))
            .isEqualTo(Float.floatToRawIntBits(got[4001 + i]));
      }
    }
  }
}
