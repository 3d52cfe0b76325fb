package io.github.embeddinggeometry.cli.report;

import static io.github.embeddinggeometry.cli.report.Style.TICK;
import static io.github.embeddinggeometry.cli.report.Style.TITLE;
import static io.github.embeddinggeometry.cli.report.Style.axis;
import static io.github.embeddinggeometry.cli.report.Style.chart;
import static io.github.embeddinggeometry.cli.report.Style.colourbar;
import static io.github.embeddinggeometry.cli.report.Style.decades;
import static io.github.embeddinggeometry.cli.report.Style.drawOrder;
import static io.github.embeddinggeometry.cli.report.Style.grid;
import static io.github.embeddinggeometry.cli.report.Style.identity;
import static io.github.embeddinggeometry.cli.report.Style.save;
import static io.github.embeddinggeometry.cli.report.Style.scatterPlot;
import static io.github.embeddinggeometry.cli.report.Style.style;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** Plots of numbers: scatter, radial profile, histograms, scree and rank plots. */
public final class Plots {
  private Plots() {}

  /**
   * One axis of a plot.
   *
   * @param label the axis label
   * @param values the values along it (unused where the plot computes them)
   * @param log logarithmic
   */
  public record Axis(String label, double[] values, boolean log) {
    /** An axis whose values the plot supplies. */
    public static Axis of(String label, boolean log) {
      return new Axis(label, null, log);
    }
  }

  /**
   * A radial profile: per bin, the count and the mean and standard deviation of a value.
   *
   * @param edges bins + 1 edges
   * @param counts rows per bin
   * @param mean mean per bin (NaN when empty)
   * @param std standard deviation per bin
   */
  public record Profile(double[] edges, long[] counts, double[] mean, double[] std) {}

  /**
   * Precomputed histogram bins, one series per name.
   *
   * @param edges bins + 1 edges
   * @param names series names
   * @param counts one array of bins per series
   */
  public record Bins(double[] edges, String[] names, long[][] counts) {}

  /**
   * A vertical marker line.
   *
   * @param x where
   * @param label its label
   */
  public record Marker(double x, String label) {}

  /** A scatter plot of y against x, coloured by {@code c} (one colour when null). */
  public static void scatter(Figure f, Axis xs, Axis ys, Colouring c) {
    double[] x = xs.values();
    double[] y = ys.values();
    boolean logY = ys.log();
    double[] colour = c == null ? null : c.values();
    Scale scale = c == null ? null : c.scale();
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
    plot.setDomainAxis(axis(xs.label(), xs.log()));
    plot.setRangeAxis(axis(ys.label(), logY));
    grid(plot);
    JFreeChart chart = chart(f.title(), f.subtitle(), plot);
    if (c != null) {
      colourbar(chart, s, c.label(), RectangleEdge.RIGHT);
    }
    save(chart, f.png(), 1600, 900);
  }

  /**
   * A radial profile: mean with a +-1 std band per bin (top) above the count histogram (bottom),
   * sharing the x axis. Bins with no rows are left out of the profile.
   */
  public static void profile(Figure f, Profile pr, String xLabel, String yLabel) {
    double[] edges = pr.edges();
    long[] counts = pr.counts();
    double[] mean = pr.mean();
    double[] std = pr.std();
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
    JFreeChart chart = chart(f.title(), f.subtitle(), plot);
    save(chart, f.png(), 1600, 1200);
  }

  /**
   * Histograms of precomputed bins, one translucent series per name, drawn over each other, with an
   * optional vertical marker (e.g. a threshold).
   *
   * @param marker the marker line, or null
   */
  public static void histogram(Figure f, Bins h, Marker marker, String xLabel, Axis y) {
    double[] edges = h.edges();
    String[] names = h.names();
    long[][] counts = h.counts();
    boolean logY = y.log();
    String yLabel = y.label();
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
    ValueAxis ya = axis(yLabel, logY);
    decades(ya);
    if (ya instanceof NumberAxis na) {
      na.setAutoRangeIncludesZero(true);
    }
    XYPlot plot = new XYPlot(data, axis(xLabel, false), ya, br);
    if (marker != null) {
      org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(marker.x());
      m.setPaint(Color.BLACK);
      m.setStroke(
          new BasicStroke(
              2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
      m.setLabel(marker.label());
      m.setLabelFont(TICK);
      m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m);
    }
    grid(plot);
    JFreeChart chart = new JFreeChart(f.title(), TITLE, plot, names.length > 1);
    if (chart.getLegend() != null) {
      chart.getLegend().setItemFont(TICK);
    }
    style(chart, f.subtitle());
    save(chart, f.png(), 1600, 900);
  }

  /**
   * Bars per PC (share of variance, percent) with the cumulative share as a line on a second axis.
   */
  public static void scree(Figure f, double[] sharePercent, double[] cumulativePercent) {
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
    JFreeChart chart = new JFreeChart(f.title(), TITLE, plot, true);
    chart.getLegend().setItemFont(TICK);
    style(chart, f.subtitle());
    save(chart, f.png(), 1600, 900);
  }

  /** A rank plot: one or more series of y against rank 1..n. */
  public static void ranks(Figure f, String[] names, double[][] values, String xLabel, Axis y) {
    boolean logY = y.log();
    String yLabel = y.label();
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
    JFreeChart chart = new JFreeChart(f.title(), TITLE, plot, names.length > 1);
    if (chart.getLegend() != null) {
      chart.getLegend().setItemFont(TICK);
    }
    style(chart, f.subtitle());
    save(chart, f.png(), 1600, 900);
  }
}
