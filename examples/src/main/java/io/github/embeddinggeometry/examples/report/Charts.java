package io.github.embeddinggeometry.examples.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The figures of the {@code geometry} command, drawn with JFreeChart and saved as PNG. Fonts are
 * sized for a figure printed at column width: a 1600 px wide image keeps 15 pt tick labels
 * readable.
 *
 * @since 0.1
 */
public final class Charts {
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 24);
  private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 18);
  private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  private static final Color DARK = new Color(0x10, 0x10, 0x14);
  private static final Color GRID_ON_DARK = new Color(255, 255, 255, 90);

  private Charts() {}

  /** A scalar mapped to a colour; {@code reversed} puts the colormap's bright end at the low values. */
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

  /**
   * A Mollweide map of points coloured by {@code value}, on a dark background with the ellipse
   * outline and a 30-degree graticule, plus a horizontal colourbar.
   */
  public static void mollweide(
      Path png, String title, String subtitle, double[] latDeg, double[] lonDeg, double[] value,
      Scale scale, String valueLabel) {
    int n = latDeg.length;
    double[][] xyz = new double[3][n];
    Integer[] order = drawOrder(value, scale);
    for (int k = 0; k < n; k++) {
      int i = order[k];
      double[] p = Mollweide.project(latDeg[i], lonDeg[i]);
      xyz[0][k] = p[0];
      xyz[1][k] = p[1];
      xyz[2][k] = value[i];
    }
    XYPlot plot = scatterPlot(xyz, scale, 3.5);
    NumberAxis xa = hiddenAxis(-Mollweide.X_MAX * 1.02, Mollweide.X_MAX * 1.02);
    NumberAxis ya = hiddenAxis(-Mollweide.Y_MAX * 1.04, Mollweide.Y_MAX * 1.04);
    plot.setDomainAxis(xa);
    plot.setRangeAxis(ya);
    darken(plot);
    BasicStroke thin = new BasicStroke(0.8f);
    BasicStroke thick = new BasicStroke(1.6f);
    // Graticule: parallels every 30 degrees, meridians every 30 degrees, then the outline.
    for (int lat = -60; lat <= 60; lat += 30) {
      polyline(plot, lat, lat, -180, 180, thin, GRID_ON_DARK);
      double[] p = Mollweide.project(lat, -180);
      label(plot, (lat > 0 ? "+" : "") + lat + "\u00b0", p[0] - 0.05, p[1], TextAnchor.CENTER_RIGHT,
          Color.LIGHT_GRAY);
    }
    for (int lon = -150; lon <= 150; lon += 30) {
      polyline(plot, -90, 90, lon, lon, thin, GRID_ON_DARK);
      double[] p = Mollweide.project(0, lon);
      label(plot, lon + "\u00b0", p[0], p[1] - 0.03, TextAnchor.TOP_CENTER, Color.LIGHT_GRAY);
    }
    polyline(plot, -90, 90, -180, -180, thick, Color.GRAY);
    polyline(plot, -90, 90, 180, 180, thick, Color.GRAY);
    JFreeChart chart = chart(title, subtitle, plot);
    chart.setBackgroundPaint(Color.WHITE);
    colourbar(chart, scale, valueLabel, RectangleEdge.BOTTOM);
    save(chart, png, 1700, 1050);
  }

  /**
   * A polar map: radius r against longitude, longitude 0 at the top and increasing clockwise (the
   * notebook's convention), points coloured by {@code value}.
   */
  public static void polar(
      Path png, String title, String subtitle, double[] lonDeg, double[] r, double[] value,
      Scale scale, String valueLabel, String radiusLabel) {
    int n = r.length;
    double rMax = 0;
    for (double v : r) {
      rMax = Math.max(rMax, v);
    }
    double[] rings = niceTicks(0, rMax <= 0 ? 1 : rMax, 4);
    double outer = rings[rings.length - 1];
    if (outer < rMax) {
      outer = rMax;
    }
    double[][] xyz = new double[3][n];
    Integer[] order = drawOrder(value, scale);
    for (int k = 0; k < n; k++) {
      int i = order[k];
      double t = Math.toRadians(lonDeg[i]);
      xyz[0][k] = r[i] * Math.sin(t);
      xyz[1][k] = r[i] * Math.cos(t);
      xyz[2][k] = value[i];
    }
    // Ring labels go where the data is not: opposite the points' mean direction.
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < n; i++) {
      sx += Math.sin(Math.toRadians(lonDeg[i]));
      sy += Math.cos(Math.toRadians(lonDeg[i]));
    }
    double labelAngle = (n == 0 ? 0 : Math.atan2(sx, sy)) + Math.PI + Math.toRadians(15);
    XYPlot plot = scatterPlot(xyz, scale, 3.5);
    double lim = outer * 1.12;
    plot.setDomainAxis(hiddenAxis(-lim, lim));
    plot.setRangeAxis(hiddenAxis(-lim, lim));
    darken(plot);
    BasicStroke thin = new BasicStroke(0.8f);
    for (double ring : rings) {
      if (ring <= 0) {
        continue;
      }
      circle(plot, ring, ring == outer ? new BasicStroke(1.6f) : thin,
          ring == outer ? Color.GRAY : GRID_ON_DARK);
      label(plot, format(ring), ring * Math.sin(labelAngle), ring * Math.cos(labelAngle),
          TextAnchor.BOTTOM_LEFT, Color.LIGHT_GRAY);
    }
    for (int lon = -180; lon < 180; lon += 30) {
      double t = Math.toRadians(lon);
      plot.addAnnotation(new XYLineAnnotation(0, 0, outer * Math.sin(t), outer * Math.cos(t), thin,
          GRID_ON_DARK));
      label(plot, lon + "\u00b0", outer * 1.06 * Math.sin(t), outer * 1.06 * Math.cos(t),
          TextAnchor.CENTER, Color.LIGHT_GRAY);
    }
    label(plot, radiusLabel, -lim * 0.98, -lim * 0.98, TextAnchor.BOTTOM_LEFT, Color.LIGHT_GRAY);
    JFreeChart chart = chart(title, subtitle, plot);
    colourbar(chart, scale, valueLabel, RectangleEdge.RIGHT);
    save(chart, png, 1400, 1250);
  }

  /**
   * A close-up of a region in longitude and latitude (plate carree, degrees), on the same dark
   * background and colour scale as the Mollweide map, so the structure inside a small box shows.
   */
  public static void lonLatZoom(
      Path png, String title, String subtitle, double[] latDeg, double[] lonDeg, double[] value,
      Scale scale, String valueLabel, double lonMin, double lonMax, double latMin, double latMax) {
    int n = latDeg.length;
    double[][] xyz = new double[3][n];
    Integer[] order = drawOrder(value, scale);
    for (int k = 0; k < n; k++) {
      int i = order[k];
      xyz[0][k] = lonDeg[i];
      xyz[1][k] = latDeg[i];
      xyz[2][k] = value[i];
    }
    XYPlot plot = scatterPlot(xyz, scale, 5);
    ValueAxis x = axis("Longitude (degrees)", false);
    ValueAxis y = axis("Latitude (degrees)", false);
    double padX = 0.02 * Math.max(lonMax - lonMin, 1e-9);
    double padY = 0.02 * Math.max(latMax - latMin, 1e-9);
    x.setRange(lonMin - padX, lonMax + padX);
    y.setRange(latMin - padY, latMax + padY);
    plot.setDomainAxis(x);
    plot.setRangeAxis(y);
    plot.setBackgroundPaint(DARK);
    plot.setDomainGridlinePaint(GRID_ON_DARK);
    plot.setRangeGridlinePaint(GRID_ON_DARK);
    JFreeChart chart = chart(title, subtitle, plot);
    colourbar(chart, scale, valueLabel, RectangleEdge.RIGHT);
    save(chart, png, 1500, 1100);
  }

  /** A scatter plot coloured by {@code colour} (or a single colour when null). */
  public static void scatter(
      Path png, String title, String subtitle, double[] x, double[] y, double[] colour,
      Scale scale, String xLabel, String yLabel, boolean logY, String colourLabel) {
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!logY || y[i] > 0)) {
        n++;
      }
    }
    double[][] xyz = new double[3][n];
    Integer[] order = colour == null ? identity(x.length) : drawOrder(colour, scale);
    int k = 0;
    for (int i : order) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!logY || y[i] > 0)) {
        xyz[0][k] = x[i];
        xyz[1][k] = y[i];
        xyz[2][k] = colour == null ? 0 : colour[i];
        k++;
      }
    }
    Scale s = scale != null ? scale : new Scale(Colormap.VIRIDIS, 0, 1, false, false);
    XYPlot plot = scatterPlot(xyz, s, 5);
    plot.setDomainAxis(axis(xLabel, false));
    plot.setRangeAxis(axis(yLabel, logY));
    grid(plot);
    JFreeChart chart = chart(title, subtitle, plot);
    if (colour != null) {
      colourbar(chart, s, colourLabel, RectangleEdge.RIGHT);
    }
    save(chart, png, 1600, 900);
  }

  /**
   * A radial profile: mean with a +-1 std band per bin (top) above the count histogram (bottom),
   * sharing the x axis. Bins with no rows are left out of the profile.
   */
  public static void profile(
      Path png, String title, String subtitle, double[] edges, long[] counts, double[] mean,
      double[] std, String xLabel, String yLabel) {
    YIntervalSeries band = new YIntervalSeries("mean \u00b1 1 std");
    XYIntervalSeries bars = new XYIntervalSeries("count");
    for (int b = 0; b < counts.length; b++) {
      double c = 0.5 * (edges[b] + edges[b + 1]);
      if (counts[b] > 0 && Double.isFinite(mean[b])) {
        double sd = Double.isFinite(std[b]) ? std[b] : 0;
        band.add(c, mean[b], mean[b] - sd, mean[b] + sd);
      }
      bars.add(c, edges[b], edges[b + 1], counts[b], 0, counts[b]);
    }
    YIntervalSeriesCollection bandData = new YIntervalSeriesCollection();
    bandData.addSeries(band);
    DeviationRenderer dev = new DeviationRenderer(true, true);
    dev.setSeriesPaint(0, new Color(0x1f, 0x4e, 0xb4));
    dev.setSeriesFillPaint(0, new Color(0x1f, 0x4e, 0xb4));
    dev.setAlpha(0.25f);
    dev.setSeriesStroke(0, new BasicStroke(2.5f));
    dev.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
    XYPlot top = new XYPlot(bandData, null, axis(yLabel, false), dev);
    grid(top);
    XYIntervalSeriesCollection barData = new XYIntervalSeriesCollection();
    barData.addSeries(bars);
    XYBarRenderer br = new XYBarRenderer();
    br.setBarPainter(new StandardXYBarPainter());
    br.setShadowVisible(false);
    br.setDrawBarOutline(true);
    br.setSeriesPaint(0, Color.GRAY);
    br.setSeriesOutlinePaint(0, Color.DARK_GRAY);
    ValueAxis countAxis = axis("Token count", false);
    ((NumberAxis) countAxis).setAutoRangeIncludesZero(true);
    XYPlot bottom = new XYPlot(barData, null, countAxis, br);
    grid(bottom);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(axis(xLabel, false));
    plot.setGap(18);
    plot.add(top, 3);
    plot.add(bottom, 2);
    JFreeChart chart = chart(title, subtitle, plot);
    save(chart, png, 1600, 1200);
  }

  /**
   * Histograms of precomputed bins, one translucent series per name, drawn over each other, with
   * an optional vertical marker (e.g. a threshold).
   *
   * @param edges bins + 1 edges
   * @param counts one array of bins per series
   * @param marker x of the marker line, or null
   */
  public static void histogram(
      Path png, String title, String subtitle, double[] edges, String[] names, long[][] counts,
      Double marker, String markerLabel, String xLabel, String yLabel, boolean logY) {
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    for (int k = 0; k < names.length; k++) {
      XYIntervalSeries s = new XYIntervalSeries(names[k]);
      for (int b = 0; b < counts[k].length; b++) {
        if (!logY || counts[k][b] > 0) {
          double c = 0.5 * (edges[b] + edges[b + 1]);
          double base = logY ? 0.5 : 0;
          s.add(c, edges[b], edges[b + 1], counts[k][b], base, counts[k][b]);
        }
      }
      data.addSeries(s);
    }
    XYBarRenderer br = new XYBarRenderer();
    br.setBarPainter(new StandardXYBarPainter());
    br.setShadowVisible(false);
    br.setUseYInterval(true);
    Color[] colours = {new Color(0x35, 0x5f, 0x8d, 200), new Color(0xdd, 0x51, 0x3a, 170)};
    for (int k = 0; k < names.length; k++) {
      br.setSeriesPaint(k, colours[k % colours.length]);
    }
    ValueAxis y = axis(yLabel, logY);
    decades(y);
    if (y instanceof NumberAxis na) {
      na.setAutoRangeIncludesZero(true);
    }
    XYPlot plot = new XYPlot(data, axis(xLabel, false), y, br);
    if (marker != null) {
      org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(marker);
      m.setPaint(Color.BLACK);
      m.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
          new float[] {8, 6}, 0));
      m.setLabel(markerLabel);
      m.setLabelFont(TICK);
      m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m);
    }
    grid(plot);
    JFreeChart chart = new JFreeChart(title, TITLE, plot, names.length > 1);
    if (chart.getLegend() != null) {
      chart.getLegend().setItemFont(TICK);
    }
    style(chart, subtitle);
    save(chart, png, 1600, 900);
  }

  /** Bars per PC (share of variance, percent) with the cumulative share as a line on a second axis. */
  public static void scree(
      Path png, String title, String subtitle, double[] sharePercent, double[] cumulativePercent) {
    XYSeries bars = new XYSeries("variance explained (%)");
    XYSeries cum = new XYSeries("cumulative (%)");
    for (int i = 0; i < sharePercent.length; i++) {
      bars.add(i + 1, sharePercent[i]);
      cum.add(i + 1, cumulativePercent[i]);
    }
    XYBarRenderer br = new XYBarRenderer(0.15);
    br.setBarPainter(new StandardXYBarPainter());
    br.setShadowVisible(false);
    br.setSeriesPaint(0, new Color(0x35, 0x5f, 0x8d));
    ValueAxis x = axis("Principal component", false);
    ValueAxis left = axis("Variance explained (%)", false);
    ((NumberAxis) left).setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(new XYSeriesCollection(bars), x, left, br);
    ValueAxis right = axis("Cumulative variance (%)", false);
    ((NumberAxis) right).setAutoRangeIncludesZero(true);
    plot.setRangeAxis(1, right);
    plot.setDataset(1, new XYSeriesCollection(cum));
    plot.mapDatasetToRangeAxis(1, 1);
    XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, true);
    lr.setSeriesPaint(0, new Color(0xdd, 0x51, 0x3a));
    lr.setSeriesStroke(0, new BasicStroke(2.5f));
    lr.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
    plot.setRenderer(1, lr);
    plot.setRangeAxisLocation(1, AxisLocation.BOTTOM_OR_RIGHT);
    grid(plot);
    JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
    chart.getLegend().setItemFont(TICK);
    style(chart, subtitle);
    save(chart, png, 1600, 900);
  }

  /** A rank plot: one or more series of y against rank 1..n. */
  public static void ranks(
      Path png, String title, String subtitle, String[] names, double[][] values, String yLabel,
      boolean logY, String xLabel) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int s = 0; s < names.length; s++) {
      XYSeries series = new XYSeries(names[s]);
      for (int i = 0; i < values[s].length; i++) {
        if (!logY || values[s][i] > 0) {
          series.add(i + 1, values[s][i]);
        }
      }
      data.addSeries(series);
    }
    XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, true);
    Color[] colours = {new Color(0x1f, 0x4e, 0xb4), new Color(0xdd, 0x51, 0x3a)};
    for (int s = 0; s < names.length; s++) {
      lr.setSeriesPaint(s, colours[s % colours.length]);
      lr.setSeriesStroke(s, new BasicStroke(2.5f));
      lr.setSeriesShape(s, new Ellipse2D.Double(-4, -4, 8, 8));
    }
    XYPlot plot = new XYPlot(data, axis(xLabel, false), axis(yLabel, logY), lr);
    grid(plot);
    JFreeChart chart = new JFreeChart(title, TITLE, plot, names.length > 1);
    if (chart.getLegend() != null) {
      chart.getLegend().setItemFont(TICK);
    }
    style(chart, subtitle);
    save(chart, png, 1600, 900);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static XYPlot scatterPlot(double[][] xyz, Scale scale, double size) {
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
  private static Integer[] drawOrder(double[] value, Scale scale) {
    Integer[] order = identity(value.length);
    Comparator<Integer> byT = Comparator.comparingDouble(i -> {
      double v = value[i];
      return Double.isNaN(v) ? -1 : scale.fraction(v);
    });
    Arrays.sort(order, byT);
    return order;
  }

  private static Integer[] identity(int n) {
    return IntStream.range(0, n).boxed().toArray(Integer[]::new);
  }

  private static NumberAxis hiddenAxis(double lo, double hi) {
    NumberAxis a = new NumberAxis();
    a.setRange(lo, hi);
    a.setVisible(false);
    return a;
  }

  private static ValueAxis axis(String label, boolean log) {
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
  private static LogAxis logAxis(String label) {
    LogAxis la = new LogAxis(label);
    la.setBase(10);
    la.setSmallestValue(1e-300);
    la.setNumberFormatOverride(new SignificantFormat());
    la.setMinorTickMarksVisible(false);
    return la;
  }

  /** Log axis ticks at whole decades only: for counts spanning several decades. */
  private static void decades(ValueAxis a) {
    if (a instanceof LogAxis la) {
      la.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
  }

  /** Three significant digits, grouping for large values, scientific beyond 1e6 or below 1e-3. */
  static final class SignificantFormat extends java.text.NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
      double a = Math.abs(v);
      if (v == 0) {
        return to.append('0');
      }
      if (a >= 1e6 || a < 1e-3) {
        return to.append(String.format(java.util.Locale.ROOT, "%.3g", v).replace("e+0", "e")
            .replace("e-0", "e-").replace("e+", "e"));
      }
      java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(3));
      java.text.DecimalFormat f = new java.text.DecimalFormat("#,##0.######",
          java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
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

  private static void grid(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xd0, 0xd0, 0xd0));
    plot.setRangeGridlinePaint(new Color(0xd0, 0xd0, 0xd0));
    plot.setDomainGridlineStroke(new BasicStroke(0.8f));
    plot.setRangeGridlineStroke(new BasicStroke(0.8f));
  }

  private static void darken(XYPlot plot) {
    plot.setBackgroundPaint(DARK);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlineVisible(false);
  }

  private static void polyline(
      XYPlot plot, double lat0, double lat1, double lon0, double lon1, BasicStroke stroke,
      Paint paint) {
    int steps = 90;
    double[] prev = Mollweide.project(lat0, lon0);
    for (int s = 1; s <= steps; s++) {
      double f = (double) s / steps;
      double[] p = Mollweide.project(lat0 + (lat1 - lat0) * f, lon0 + (lon1 - lon0) * f);
      plot.addAnnotation(new XYLineAnnotation(prev[0], prev[1], p[0], p[1], stroke, paint));
      prev = p;
    }
  }

  private static void circle(XYPlot plot, double radius, BasicStroke stroke, Paint paint) {
    int steps = 120;
    for (int s = 0; s < steps; s++) {
      double a = 2 * Math.PI * s / steps;
      double b = 2 * Math.PI * (s + 1) / steps;
      plot.addAnnotation(new XYLineAnnotation(radius * Math.cos(a), radius * Math.sin(a),
          radius * Math.cos(b), radius * Math.sin(b), stroke, paint));
    }
  }

  private static void label(
      XYPlot plot, String text, double x, double y, TextAnchor anchor, Paint paint) {
    XYTextAnnotation a = new XYTextAnnotation(text, x, y);
    a.setFont(TICK);
    a.setPaint(paint);
    a.setTextAnchor(anchor);
    plot.addAnnotation(a);
  }

  private static JFreeChart chart(String title, String subtitle, org.jfree.chart.plot.Plot plot) {
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

  private static void style(JFreeChart chart, String subtitle) {
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

  private static void colourbar(JFreeChart chart, Scale scale, String label, RectangleEdge edge) {
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
    if (font.canDisplayUpTo(text) < 0 && text.codePoints().allMatch(Charts::visible)) {
      return text;
    }
    StringBuilder b = new StringBuilder();
    text.codePoints().forEach(cp -> {
      if (visible(cp) && font.canDisplay(cp)) {
        b.appendCodePoint(cp);
      } else {
        b.append(String.format(java.util.Locale.ROOT, "<U+%04X>", cp));
      }
    });
    return b.toString();
  }

  private static boolean visible(int cp) {
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

  private static String format(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.4g", v);
    if (s.contains(".") && !s.contains("e")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  private static void save(JFreeChart chart, Path png, int width, int height) {
    try {
      ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write figure " + png + ": " + e.getMessage(), e);
    }
  }
}
