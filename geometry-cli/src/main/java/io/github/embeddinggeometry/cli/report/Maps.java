package io.github.embeddinggeometry.cli.report;

import static io.github.embeddinggeometry.cli.report.Style.DARK;
import static io.github.embeddinggeometry.cli.report.Style.GRID_ON_DARK;
import static io.github.embeddinggeometry.cli.report.Style.axis;
import static io.github.embeddinggeometry.cli.report.Style.chart;
import static io.github.embeddinggeometry.cli.report.Style.colourbar;
import static io.github.embeddinggeometry.cli.report.Style.darken;
import static io.github.embeddinggeometry.cli.report.Style.drawOrder;
import static io.github.embeddinggeometry.cli.report.Style.format;
import static io.github.embeddinggeometry.cli.report.Style.hiddenAxis;
import static io.github.embeddinggeometry.cli.report.Style.label;
import static io.github.embeddinggeometry.cli.report.Style.niceTicks;
import static io.github.embeddinggeometry.cli.report.Style.save;
import static io.github.embeddinggeometry.cli.report.Style.scatterPlot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/** Maps of the rows' spherical coordinates, points coloured by a value, on a dark background. */
public final class Maps {
  private Maps() {}

  /**
   * A longitude/latitude window in degrees.
   *
   * @param lonMin west edge
   * @param lonMax east edge
   * @param latMin south edge
   * @param latMax north edge
   */
  public record Window(double lonMin, double lonMax, double latMin, double latMax) {}

  /**
   * A Mollweide map of points coloured by {@code value}, on a dark background with the ellipse
   * outline and a 30-degree graticule, plus a horizontal colourbar.
   */
  public static void mollweide(Figure f, double[] latDeg, double[] lonDeg, Colouring c) {
    double[] value = c.values();
    Scale scale = c.scale();
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
      label(
          plot,
          (lat > 0 ? "+" : "") + lat + "\u00b0",
          p[0] - 0.05,
          p[1],
          TextAnchor.CENTER_RIGHT,
          Color.LIGHT_GRAY);
    }
    for (int lon = -150; lon <= 150; lon += 30) {
      polyline(plot, -90, 90, lon, lon, thin, GRID_ON_DARK);
      double[] p = Mollweide.project(0, lon);
      label(plot, lon + "\u00b0", p[0], p[1] - 0.03, TextAnchor.TOP_CENTER, Color.LIGHT_GRAY);
    }
    polyline(plot, -90, 90, -180, -180, thick, Color.GRAY);
    polyline(plot, -90, 90, 180, 180, thick, Color.GRAY);
    JFreeChart chart = chart(f.title(), f.subtitle(), plot);
    chart.setBackgroundPaint(Color.WHITE);
    colourbar(chart, scale, c.label(), RectangleEdge.BOTTOM);
    save(chart, f.png(), 1700, 1050);
  }

  /**
   * A polar map: radius r against longitude, longitude 0 at the top and increasing clockwise (the
   * notebook's convention), points coloured by {@code value}.
   */
  public static void polar(Figure f, double[] lonDeg, double[] r, String radiusLabel, Colouring c) {
    double[] value = c.values();
    Scale scale = c.scale();
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
      circle(
          plot,
          ring,
          ring == outer ? new BasicStroke(1.6f) : thin,
          ring == outer ? Color.GRAY : GRID_ON_DARK);
      label(
          plot,
          format(ring),
          ring * Math.sin(labelAngle),
          ring * Math.cos(labelAngle),
          TextAnchor.BOTTOM_LEFT,
          Color.LIGHT_GRAY);
    }
    for (int lon = -180; lon < 180; lon += 30) {
      double t = Math.toRadians(lon);
      plot.addAnnotation(
          new XYLineAnnotation(0, 0, outer * Math.sin(t), outer * Math.cos(t), thin, GRID_ON_DARK));
      label(
          plot,
          lon + "\u00b0",
          outer * 1.06 * Math.sin(t),
          outer * 1.06 * Math.cos(t),
          TextAnchor.CENTER,
          Color.LIGHT_GRAY);
    }
    label(plot, radiusLabel, -lim * 0.98, -lim * 0.98, TextAnchor.BOTTOM_LEFT, Color.LIGHT_GRAY);
    JFreeChart chart = chart(f.title(), f.subtitle(), plot);
    colourbar(chart, scale, c.label(), RectangleEdge.RIGHT);
    save(chart, f.png(), 1400, 1250);
  }

  /**
   * A close-up of a region in longitude and latitude (plate carree, degrees), on the same dark
   * background and colour scale as the Mollweide map, so the structure inside a small box shows.
   */
  public static void lonLatZoom(Figure f, double[] latDeg, double[] lonDeg, Colouring c, Window w) {
    double[] value = c.values();
    Scale scale = c.scale();
    double lonMin = w.lonMin();
    double lonMax = w.lonMax();
    double latMin = w.latMin();
    double latMax = w.latMax();
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
    JFreeChart chart = chart(f.title(), f.subtitle(), plot);
    colourbar(chart, scale, c.label(), RectangleEdge.RIGHT);
    save(chart, f.png(), 1500, 1100);
  }

  private static void polyline(
      XYPlot plot,
      double lat0,
      double lat1,
      double lon0,
      double lon1,
      BasicStroke stroke,
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
      plot.addAnnotation(
          new XYLineAnnotation(
              radius * Math.cos(a),
              radius * Math.sin(a),
              radius * Math.cos(b),
              radius * Math.sin(b),
              stroke,
              paint));
    }
  }
}
