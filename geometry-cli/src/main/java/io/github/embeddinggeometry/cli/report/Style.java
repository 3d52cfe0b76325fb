package io.github.embeddinggeometry.cli.report;

import io.github.embeddinggeometry.cli.output.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * What every figure shares: fonts sized for a figure printed at column width (a 1600 px wide image
 * keeps 15 pt tick labels readable), axes, grids, titles, the colourbar, and writing the PNG.
 */
final class Style {
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 24);
  static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
  static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 18);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  static final Color DARK = new Color(0x10, 0x10, 0x14);
  static final Color GRID_ON_DARK = new Color(255, 255, 255, 90);

  private Style() {}

  static XYPlot scatterPlot(double[][] xyz, Scale scale, double size) {
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("points", xyz);
    XYShapeRenderer r = new XYShapeRenderer();
    r.setPaintScale(scale);
    r.setAutoPopulateSeriesShape(false);
    Shape dot = new Ellipse2D.Double(-size / 2, -size / 2, size, size);
    r.setDefaultShape(dot);
    r.setDrawOutlines(false);
    XYPlot plot = new XYPlot(data, new NumberAxis(), new NumberAxis(), r);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    return plot;
  }

  /** Indices sorted so that the colormap's bright end is drawn last, on top. */
  static Integer[] drawOrder(double[] value, Scale scale) {
    Integer[] order = identity(value.length);
    Comparator<Integer> byT =
        Comparator.comparingDouble(
            i -> {
              double v = value[i];
              return Double.isNaN(v) ? -1 : scale.fraction(v);
            });
    Arrays.sort(order, byT);
    return order;
  }

  static Integer[] identity(int n) {
    return IntStream.range(0, n).boxed().toArray(Integer[]::new);
  }

  static NumberAxis hiddenAxis(double lo, double hi) {
    NumberAxis a = new NumberAxis();
    a.setRange(lo, hi);
    a.setVisible(false);
    return a;
  }

  static ValueAxis axis(String label, boolean log) {
    ValueAxis a;
    if (log) {
      a = logAxis(label);
    } else {
      NumberAxis na = new NumberAxis(label);
      na.setAutoRangeIncludesZero(false);
      a = na;
    }
    a.setLabelFont(LABEL);
    a.setTickLabelFont(TICK);
    return a;
  }

  /**
   * A base-10 log axis labelled with plain numbers (0.178, 1,000) instead of JFreeChart's default
   * "10^-0.75".
   */
  static LogAxis logAxis(String label) {
    LogAxis la = new LogAxis(label);
    la.setBase(10);
    la.setSmallestValue(1e-300);
    la.setNumberFormatOverride(new SignificantFormat());
    la.setMinorTickMarksVisible(false);
    return la;
  }

  /** Log axis ticks at whole decades only: for counts spanning several decades. */
  static void decades(ValueAxis a) {
    if (a instanceof LogAxis la) {
      la.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
  }

  /** Three significant digits, grouping for large values, scientific beyond 1e6 or below 1e-3. */
  static final class SignificantFormat extends java.text.NumberFormat {
    static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
      double a = Math.abs(v);
      if (v == 0) {
        return to.append('0');
      }
      if (a >= 1e6 || a < 1e-3) {
        return to.append(
            String.format(java.util.Locale.ROOT, "%.3g", v)
                .replace("e+0", "e")
                .replace("e-0", "e-")
                .replace("e+", "e"));
      }
      java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(3));
      java.text.DecimalFormat f =
          new java.text.DecimalFormat(
              "#,##0.######", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
      return to.append(f.format(b.doubleValue()));
    }

    @Override
    public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
      return format((double) v, to, pos);
    }

    @Override
    public Number parse(String source, java.text.ParsePosition pos) {
      throw new UnsupportedOperationException();
    }
  }

  static void grid(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xd0, 0xd0, 0xd0));
    plot.setRangeGridlinePaint(new Color(0xd0, 0xd0, 0xd0));
    plot.setDomainGridlineStroke(new BasicStroke(0.8f));
    plot.setRangeGridlineStroke(new BasicStroke(0.8f));
  }

  static void darken(XYPlot plot) {
    plot.setBackgroundPaint(DARK);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlineVisible(false);
  }

  static void label(XYPlot plot, String text, double x, double y, TextAnchor anchor, Paint paint) {
    XYTextAnnotation a = new XYTextAnnotation(text, x, y);
    a.setFont(TICK);
    a.setPaint(paint);
    a.setTextAnchor(anchor);
    plot.addAnnotation(a);
  }

  static JFreeChart chart(String title, String subtitle, org.jfree.chart.plot.Plot plot) {
    if (plot instanceof XYPlot xy && xy.getBackgroundPaint() != DARK) {
      grid(xy);
    }
    if (plot instanceof CombinedDomainXYPlot c) {
      ValueAxis d = c.getDomainAxis();
      d.setLabelFont(LABEL);
      d.setTickLabelFont(TICK);
    }
    JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
    style(chart, subtitle);
    return chart;
  }

  static void style(JFreeChart chart, String subtitle) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(10, 10, 10, 20));
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getTitle() != null) {
      chart.getTitle().setText(displayable(chart.getTitle().getText(), TITLE));
    }
    if (subtitle != null && !subtitle.isEmpty()) {
      TextTitle t = new TextTitle(displayable(subtitle, SUBTITLE), SUBTITLE);
      t.setPaint(Color.DARK_GRAY);
      chart.addSubtitle(t);
    }
  }

  static void colourbar(JFreeChart chart, Scale scale, String label, RectangleEdge edge) {
    ValueAxis a;
    if (scale.log()) {
      a = logAxis(label);
    } else {
      NumberAxis na = new NumberAxis(label);
      na.setAutoRangeIncludesZero(false);
      // About 8 labelled ticks: the default packs one per 0.02 into a tall colourbar.
      double[] t = niceTicks(scale.lower(), scale.upper(), 12);
      if (t.length > 1 && t[1] > t[0]) {
        na.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(t[1] - t[0]));
      }
      a = na;
    }
    a.setRange(scale.lower(), scale.upper());
    a.setLabelFont(LABEL);
    a.setTickLabelFont(TICK);
    PaintScaleLegend legend = new PaintScaleLegend(scale, a);
    legend.setPosition(edge);
    legend.setStripWidth(22);
    legend.setSubdivisionCount(256);
    legend.setAxisOffset(4);
    legend.setMargin(new RectangleInsets(8, 40, 8, 40));
    legend.setBackgroundPaint(Color.WHITE);
    legend.setStripOutlineVisible(true);
    chart.addSubtitle(legend);
  }

  /**
   * Replaces characters the font has no glyph for (CJK, emoji on a machine without such fonts) by
   * their code point, e.g. U+FF1F, so a token's text is never drawn as empty boxes. Invisible
   * format and control characters (Unicode Cf/Cc, e.g. tag characters or zero-width joiners) are
   * shown as code points too: some JDKs (25) report them displayable because they draw nothing.
   */
  static String displayable(String text, Font font) {
    if (font.canDisplayUpTo(text) < 0 && text.codePoints().allMatch(Style::visible)) {
      return text;
    }
    StringBuilder b = new StringBuilder();
    text.codePoints()
        .forEach(
            cp -> {
              if (visible(cp) && font.canDisplay(cp)) {
                b.appendCodePoint(cp);
              } else {
                b.append(String.format(java.util.Locale.ROOT, "<U+%04X>", cp));
              }
            });
    return b.toString();
  }

  static boolean visible(int cp) {
    int type = Character.getType(cp);
    return type != Character.FORMAT && type != Character.CONTROL;
  }

  /** About {@code count} round tick values covering [lo, hi]. */
  static double[] niceTicks(double lo, double hi, int count) {
    double raw = (hi - lo) / count;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
    int n = (int) Math.ceil((hi - lo) / step - 1e-9);
    double[] out = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      out[i] = lo + i * step;
    }
    return out;
  }

  static String format(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.4g", v);
    if (s.contains(".") && !s.contains("e")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  /** Renders the chart and writes the PNG whole or not at all. */
  static void save(JFreeChart chart, Path png, int width, int height) {
    // An opaque image: every figure paints its own background, and RGB files are smaller.
    java.awt.image.BufferedImage image =
        chart.createBufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB, null);
    AtomicFiles.write(png, Png.encode(image));
  }
}
