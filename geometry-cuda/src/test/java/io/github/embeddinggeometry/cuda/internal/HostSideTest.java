package io.github.embeddinggeometry.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * The parts of the CUDA backend that run on the host: list selection, refinement, checks, buffers.
 */
class HostSideTest {

  @Test
  void selectKeepsTheKBestByDistanceThenIndexWithEmptySlotsLast() {
    // Two rows of kc = 5 candidates, k = 3.
    float[] val = {0.5f, 0.1f, 0.1f, Float.POSITIVE_INFINITY, 0.3f, 2f, 1f, 1f, 0f, 0f};
    int[] ind = {4, 9, 2, 7, 1, 3, -1, 8, 6, 5};
    float[] dist = new float[2 + 6];
    int[] idx = new int[8];
    TopKLists.select(val, ind, 2, 5, 3, dist, idx, 2);
    assertThat(idx).containsExactly(0, 0, 2, 9, 1, 5, 6, 8);
    assertThat(dist).containsExactly(0f, 0f, 0.1f, 0.1f, 0.3f, 0f, 0f, 1f);
    assertThatThrownBy(() -> TopKLists.select(val, ind, 1, 2, 3, dist, idx, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void selectWithKcEqualToKCopiesTheDeviceOrder() {
    float[] val = {1f, 2f, 3f};
    int[] ind = {7, 8, 9};
    float[] dist = new float[3];
    int[] idx = new int[3];
    TopKLists.select(val, ind, 1, 3, 3, dist, idx, 0);
    assertThat(idx).containsExactly(7, 8, 9);
  }

  @Test
  void hostRefinementMatchesFloat64AndKeepsExactZeros() {
    Random rnd = new Random(42);
    int d = 37;
    float[] data = new float[6 * d];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rnd.nextGaussian();
    }
    System.arraycopy(data, 0, data, 3 * d, d); // row 3 duplicates row 0
    java.util.Arrays.fill(data, 5 * d, 6 * d, 0f); // row 5 is zero
    EmbeddingMatrix m = EmbeddingMatrix.wrap(data, 6, d);
    int[] cand = {3, 1, 5, -1, 2, 4};
    float[] val = {9f, 9f, 9f, 9f, Float.POSITIVE_INFINITY, 9f};
    HostRefine.refine(m, 0, 2, m, cand, val, 3, false);
    assertThat(val[0]).isZero();
    assertThat((double) val[1])
        .isCloseTo(euclid(data, 0, 1, d), org.assertj.core.data.Offset.offset(1e-5));
    assertThat((double) val[2])
        .isCloseTo(euclid(data, 0, 5, d), org.assertj.core.data.Offset.offset(1e-5));
    assertThat(val[3]).isEqualTo(9f); // empty slot untouched
    assertThat(val[4]).isInfinite(); // excluded self pair untouched
    assertThat((double) val[5])
        .isCloseTo(euclid(data, 1, 4, d), org.assertj.core.data.Offset.offset(1e-5));

    float[] cv = {9f, 9f, 9f};
    HostRefine.refine(m, 0, 1, m, new int[] {3, 5, 1}, cv, 3, true);
    assertThat(cv[0]).isZero();
    assertThat(cv[1]).isEqualTo(1f);
    assertThat((double) cv[2])
        .isCloseTo(1 - cos(data, 0, 1, d), org.assertj.core.data.Offset.offset(1e-6));
  }

  private static double euclid(float[] x, int a, int b, int d) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      double t = (double) x[a * d + i] - x[b * d + i];
      s += t * t;
    }
    return Math.sqrt(s);
  }

  private static double cos(float[] x, int a, int b, int d) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < d; i++) {
      dot += (double) x[a * d + i] * x[b * d + i];
      na += (double) x[a * d + i] * x[a * d + i];
      nb += (double) x[b * d + i] * x[b * d + i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void deviceBufferCloseIsIdempotentAndUseAfterCloseThrows() {
    List<CUdeviceptr> freed = new ArrayList<>();
    CUdeviceptr p = new CUdeviceptr();
    DeviceBuffer b = new DeviceBuffer(p, 64, "test buffer", freed::add);
    assertThat(b.ptr()).isSameAs(p);
    assertThatThrownBy(() -> b.at(65))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("test buffer");
    assertThatThrownBy(() -> b.upload(new float[20], 0, 0, 20))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("80 bytes");
    b.close();
    b.close();
    assertThat(freed).containsExactly(p);
    assertThatThrownBy(b::ptr)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test buffer")
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> b.download(0, new float[1], 0, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(b.toString()).contains("closed");
  }
}
