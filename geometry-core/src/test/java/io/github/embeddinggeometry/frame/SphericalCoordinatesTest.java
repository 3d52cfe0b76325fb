package io.github.embeddinggeometry.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SphericalCoordinatesTest {
  static ReferenceFrame identity(int d) {
    double[] v = new double[d * d];
    double[] l = new double[d];
    for (int i = 0; i < d; i++) {
      v[i * d + i] = 1;
      l[i] = d - i;
    }
    return ReferenceFrame.of(null, l, v);
  }

  @Test
  void handCheckedPointsWithNotebookBasis() {
    EmbeddingMatrix w =
        EmbeddingMatrix.copyOf(
            new float[][] {
              {1, 0, 0, 7}, // x = 1: lat 0, lon 0
              {0, 2, 0, 7}, // z = 2 (NORTH = PC2): lat 90
              {0, 0, 3, 7}, // y = 3 (EQUINOX = PC3): lon 90
              {-1, 0, 0, 7}, // lon 180
              {0, 0, 0, 7}, // r = 0: lat = lon = 0, not NaN
              {1, 1, 1, 0}
            });
    SphericalCoordinates c = SphericalCoordinates.of(w, identity(4), 2, 1, 3);
    assertThat(c.latDeg()[0]).isEqualTo(0);
    assertThat(c.lonDeg()[0]).isEqualTo(0);
    assertThat(c.latDeg()[1]).isCloseTo(90, within(1e-12));
    assertThat(c.r()[1]).isEqualTo(2);
    assertThat(c.lonDeg()[2]).isCloseTo(90, within(1e-12));
    assertThat(c.lonDeg()[3]).isCloseTo(180, within(1e-12));
    assertThat(c.r()[4]).isEqualTo(0);
    assertThat(c.latDeg()[4]).isEqualTo(0);
    assertThat(c.lonDeg()[4]).isEqualTo(0);
    assertThat(c.latDeg()[5]).isCloseTo(Math.toDegrees(Math.asin(1 / Math.sqrt(3))), within(1e-12));
    assertThat(c.lonDeg()[5]).isCloseTo(45, within(1e-12));
    // A negative index flips the axis.
    SphericalCoordinates flipped = SphericalCoordinates.of(w, identity(4), -2, 1, 3);
    assertThat(flipped.latDeg()[1]).isCloseTo(-90, within(1e-12));
    assertThat(c.ids()).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void originIsSubtractedFirst() {
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(new float[][] {{2, 3, 5}, {2, 2, 4}});
    ReferenceFrame f = identity(3).withOrigin(new float[] {2, 2, 4});
    SphericalCoordinates c = SphericalCoordinates.of(w, f, 2, 1, 3);
    assertThat(c.z()[0]).isEqualTo(1);
    assertThat(c.y()[0]).isEqualTo(1);
    assertThat(c.x()[0]).isEqualTo(0);
    assertThat(c.r()[1]).isEqualTo(0);
    assertThat(c.latDeg()[1]).isEqualTo(0);
  }

  @Test
  void randomRowsMatchDirectFormulaAndBoxSelectsInclusive() {
    Random rnd = new Random(5);
    int d = 16;
    double[][] q = PcaTest.randomOrthonormal(d, rnd);
    double[] v = new double[d * d];
    double[] l = new double[d];
    for (int j = 0; j < d; j++) {
      l[j] = d - j;
      for (int i = 0; i < d; i++) {
        v[i * d + j] = q[j][i];
      }
    }
    ReferenceFrame f = ReferenceFrame.of(null, l, v);
    float[][] rows = new float[500][d];
    for (float[] r : rows) {
      for (int i = 0; i < d; i++) {
        r[i] = (float) rnd.nextGaussian();
      }
    }
    EmbeddingMatrix w =
        EmbeddingMatrix.copyOf(rows)
            .withIds(java.util.stream.IntStream.range(0, 500).map(i -> 3 * i + 1).toArray());
    SphericalCoordinates c = SphericalCoordinates.of(w, f, 2, -1, 3);
    for (int r = 0; r < rows.length; r++) {
      double x = 0;
      double y = 0;
      double z = 0;
      for (int i = 0; i < d; i++) {
        x -= rows[r][i] * q[0][i];
        y += rows[r][i] * q[2][i];
        z += rows[r][i] * q[1][i];
      }
      double rr = Math.sqrt(x * x + y * y + z * z);
      assertThat(c.r()[r]).isCloseTo(rr, within(1e-12));
      assertThat(c.latDeg()[r]).isCloseTo(Math.toDegrees(Math.asin(z / rr)), within(1e-9));
      assertThat(c.lonDeg()[r]).isCloseTo(Math.toDegrees(Math.atan2(y, x)), within(1e-9));
    }
    // Box with bounds taken from actual values: the boundary rows are inside.
    BoundingBox box = new BoundingBox(-15, 5, -10, 20, 0.2, 2.5);
    int[] ids = box.select(c);
    java.util.List<Integer> expected = new java.util.ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      double lat = c.latDeg()[r];
      double lon = c.lonDeg()[r];
      double rad = c.r()[r];
      if (lat >= -15 && lat <= 5 && lon >= -10 && lon <= 20 && rad >= 0.2 && rad <= 2.5) {
        expected.add(3 * r + 1);
      }
    }
    assertThat(ids).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
    BoundingBox exact =
        new BoundingBox(
            c.latDeg()[7], c.latDeg()[7], c.lonDeg()[7], c.lonDeg()[7], c.r()[7], c.r()[7]);
    assertThat(exact.select(c)).containsExactly(22);
  }

  @Test
  void rejectsBadIndicesAndBoxes() {
    EmbeddingMatrix w = EmbeddingMatrix.copyOf(new float[][] {{1, 2, 3}});
    assertThatThrownBy(() -> SphericalCoordinates.of(w, identity(3), 0, 1, 2))
        .hasMessageContaining("PC index");
    assertThatThrownBy(() -> SphericalCoordinates.of(w, identity(3), 4, 1, 2))
        .hasMessageContaining("PC index");
    assertThatThrownBy(() -> new BoundingBox(5, -5, 0, 1, 0, 1)).hasMessageContaining("lat");
  }
}
