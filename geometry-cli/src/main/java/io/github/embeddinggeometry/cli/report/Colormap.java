package io.github.embeddinggeometry.cli.report;

import java.awt.Color;
import java.util.Locale;

/**
 * Perceptually uniform colormaps from matplotlib, rebuilt from their published 11 anchor colours (t
 * = 0, 0.1, ..., 1) with linear interpolation in sRGB between anchors. Eleven anchors keep the
 * interpolation error below what the eye can tell on a scatter plot.
 *
 * @since 0.1
 */
public enum Colormap {
  /** Black to purple to orange to pale yellow; reads well on a dark background. */
  INFERNO(
      0x000004, 0x160b39, 0x420a68, 0x6a176e, 0x932667, 0xbc3754, 0xdd513a, 0xf37819, 0xfca50a,
      0xf6d746, 0xfcffa4),
  /** Dark purple to teal to yellow. */
  VIRIDIS(
      0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151,
      0xbddf26, 0xfde725);

  private final int[] anchors;

  Colormap(int... anchors) {
    this.anchors = anchors;
  }

  /** The colour at {@code t} in [0, 1]; values outside are clamped, NaN gives the lowest colour. */
  public Color at(double t) {
    if (!(t > 0)) {
      return new Color(anchors[0]);
    }
    if (t >= 1) {
      return new Color(anchors[anchors.length - 1]);
    }
    double pos = t * (anchors.length - 1);
    int i = (int) Math.floor(pos);
    double f = pos - i;
    int a = anchors[i];
    int b = anchors[i + 1];
    return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
  }

  private static int mix(int a, int b, double f) {
    int x = a & 0xff;
    int y = b & 0xff;
    return (int) Math.round(x + (y - x) * f);
  }

  /** Parses a name such as "inferno" (case-insensitive). */
  public static Colormap parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown colormap '" + name + "'; known: inferno, viridis", e);
    }
  }
}
