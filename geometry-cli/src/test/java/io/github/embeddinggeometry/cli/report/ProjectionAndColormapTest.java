package io.github.embeddinggeometry.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ProjectionAndColormapTest {
  @Test
  void mollweideHandCheckedPoints() {
    double r2 = Math.sqrt(2);
    assertThat(Mollweide.project(0, 0)).containsExactly(new double[] {0, 0}, offset(1e-12));
    assertThat(Mollweide.project(0, 180)).containsExactly(new double[] {2 * r2, 0}, offset(1e-12));
    assertThat(Mollweide.project(0, -90)).containsExactly(new double[] {-r2, 0}, offset(1e-12));
    assertThat(Mollweide.project(90, 123)).containsExactly(new double[] {0, r2}, offset(1e-9));
    assertThat(Mollweide.project(-90, 0)[1]).isCloseTo(-r2, offset(1e-9));
  }

  @Test
  void auxiliaryAngleSolvesTheEquation() {
    for (double latDeg = -89.99; latDeg <= 89.99; latDeg += 0.37) {
      double phi = Math.toRadians(latDeg);
      double t = Mollweide.auxiliaryAngle(phi);
      assertThat(2 * t + Math.sin(2 * t))
          .as("lat %f", latDeg)
          .isCloseTo(Math.PI * Math.sin(phi), offset(1e-9));
    }
    // Equal area: the map of the band |lat| <= 30 deg covers half the ellipse's area,
    // since the sphere's band holds sin(30 deg) = 1/2 of its area.
    double y30 = Mollweide.project(30, 0)[1] / Math.sqrt(2);
    double band = 2 * (Math.asin(y30) + y30 * Math.sqrt(1 - y30 * y30)) / Math.PI;
    assertThat(band).isCloseTo(0.5, offset(1e-9));
  }

  @Test
  void colormapAnchorsAndInterpolation() {
    assertThat(Colormap.INFERNO.at(0)).isEqualTo(new Color(0x000004));
    assertThat(Colormap.INFERNO.at(1)).isEqualTo(new Color(0xfcffa4));
    assertThat(Colormap.VIRIDIS.at(0.5)).isEqualTo(new Color(0x21918c));
    // Halfway between the anchors at 0.0 (#440154) and 0.1 (#482475).
    Color mid = Colormap.VIRIDIS.at(0.05);
    assertThat(mid.getRed()).isEqualTo(70);
    assertThat(mid.getGreen()).isEqualTo(19); // (1 + 36) / 2 = 18.5, rounded half up
    assertThat(mid.getBlue()).isEqualTo(101); // (84 + 117) / 2 = 100.5
    assertThat(Colormap.INFERNO.at(Double.NaN)).isEqualTo(new Color(0x000004));
    assertThat(Colormap.INFERNO.at(7)).isEqualTo(new Color(0xfcffa4));
    assertThat(Colormap.parse(" Viridis ")).isEqualTo(Colormap.VIRIDIS);
    assertThatThrownBy(() -> Colormap.parse("jet")).hasMessageContaining("inferno, viridis");
  }

  @Test
  void reversedScaleMapsSmallValuesToTheBrightEnd() {
    Scale s = new Scale(Colormap.INFERNO, 1, 3, true, false);
    assertThat(s.getPaint(1)).isEqualTo(new Color(0xfcffa4));
    assertThat(s.getPaint(3)).isEqualTo(new Color(0x000004));
    Scale log = new Scale(Colormap.VIRIDIS, 1, 100, false, true);
    assertThat(log.getPaint(10)).isEqualTo(new Color(0x21918c));
  }

  @Test
  void undisplayableCharactersBecomeCodePoints() {
    java.awt.Font f = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12);
    assertThat(Style.displayable("abc", f)).isEqualTo("abc");
    String s = Style.displayable("a\uDB40\uDC01", f); // a tag character no font draws
    assertThat(s).startsWith("a").contains("U+E0001");
  }
}
