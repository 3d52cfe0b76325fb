package io.github.embeddinggeometry.cli.report;

import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * A scalar mapped to a colour; {@code reversed} puts the colormap's bright end at the low values.
 *
 * @param colormap the colours
 * @param lower value at one end of the colormap
 * @param upper value at the other end
 * @param reversed bright end at {@code lower}
 * @param log logarithmic between the ends
 */
public record Scale(Colormap colormap, double lower, double upper, boolean reversed, boolean log)
    implements PaintScale {
  /** A scale over the finite range of {@code values} (lower = upper is widened). */
  public static Scale over(double[] values, Colormap colormap, boolean reversed, boolean log) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v) && (!log || v > 0)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!(lo <= hi)) {
      lo = log ? 1 : 0;
      hi = log ? 10 : 1;
    }
    if (hi == lo) {
      hi = log ? lo * 10 : lo + 1;
    }
    return new Scale(colormap, lo, hi, reversed, log);
  }

  @Override
  public double getLowerBound() {
    return lower;
  }

  @Override
  public double getUpperBound() {
    return upper;
  }

  @Override
  public Paint getPaint(double value) {
    return colormap.at(fraction(value));
  }

  double fraction(double value) {
    double t =
        log
            ? (Math.log(Math.max(value, lower)) - Math.log(lower))
                / (Math.log(upper) - Math.log(lower))
            : (value - lower) / (upper - lower);
    return reversed ? 1 - t : t;
  }
}
