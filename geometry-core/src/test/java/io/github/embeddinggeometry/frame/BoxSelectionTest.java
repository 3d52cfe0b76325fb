package io.github.embeddinggeometry.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.EmbeddingMatrix;
import org.junit.jupiter.api.Test;

class BoxSelectionTest {
  /** Rows on the axes of the identity frame: NORTH = PC2, MERIDIAN = PC1, EQUINOX = PC3. */
  private static final EmbeddingMatrix W =
      EmbeddingMatrix.copyOf(
          new float[][] {
            {1, 0, 0}, // lat 0, lon 0, r 1
            {0, 2, 0}, // lat 90, r 2
            {0, 0, 3}, // lat 0, lon 90, r 3
            {0.5f, 0, 0}, // lat 0, lon 0, r 0.5
            {0, 0, 1} // lat 0, lon 90, r 1
          });

  @Test
  void keepsTheRowsInsideTheBoxWithTheirCoordinates() {
    // lat [-10, 10], lon [-5, 100], r [0.9, 3]: rows 0, 2 and 4 (row 3 is too close, 1 too high).
    BoundingBox box = new BoundingBox(-10, 10, -5, 100, 0.9, 3);
    BoxSelection s = BoxSelection.of(W, SphericalCoordinatesTest.identity(3), 2, 1, 3, box);
    assertThat(s.rows().ids()).containsExactly(0, 2, 4);
    assertThat(s.rows().row(1)).containsExactly(0, 0, 3);
    assertThat(s.r()).containsExactly(1, 3, 1);
    assertThat(s.lonDeg()[0]).isEqualTo(0);
    assertThat(s.lonDeg()[1]).isCloseTo(90, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(s.latDeg()).containsExactly(0, 0, 0);
    assertThat(s.coordinates().r()).hasSize(5);
    assertThat(s.box()).isEqualTo(box);
  }

  @Test
  void aBoxWithFewerThanTwoRowsOrAPcBeyondDIsRefusedWithTheSpan() {
    ReferenceFrame f = SphericalCoordinatesTest.identity(3);
    BoundingBox north = new BoundingBox(80, 90, -180, 180, 0, 10);
    assertThatThrownBy(() -> BoxSelection.of(W, f, 2, 1, 3, north))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selects 1 row,")
        .hasMessageContaining("r 0.5000..3.000");
    assertThatThrownBy(() -> BoxSelection.of(W, f, 4, 1, 3, north))
        .hasMessageContaining("PC index 4 is out of range");
    assertThatThrownBy(() -> BoxSelection.of(W, f, 0, 1, 3, north))
        .hasMessageContaining("PC index 0");
  }

  @Test
  void textIsTheCommandLinesBoxForm() {
    assertThat(BoxSelection.text(new BoundingBox(40, 70, 0, 40, 0.25, 0.45)))
        .isEqualTo("40,70,0,40,0.25,0.45");
  }
}
