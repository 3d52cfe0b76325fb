package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.cli.report.Colormap;
import io.github.embeddinggeometry.cli.report.Colouring;
import io.github.embeddinggeometry.cli.report.Figure;
import io.github.embeddinggeometry.cli.report.Maps;
import io.github.embeddinggeometry.cli.report.Scale;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.FiniteSummary;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Notebook 1.5b (the examples' DensityFieldVisualization) as a command: the nearest-neighbour
 * distance of every row in the box, drawn on a Mollweide map, a polar map and a close-up of the
 * box.
 *
 * <p>Choice: the notebook coloured by distance with inferno, which paints the densest tokens black
 * on a black background although its text says "small distance: hot colours". We reverse the
 * colormap so small distances (high density) are bright, and say so on the colourbar.
 */
final class DensityFieldStep {
  private DensityFieldStep() {}

  static void run(
      Session s, Options.BasisOptions basis, BoundingBox box, Colormap colormap, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    con.step("density-field");
    BoxSelection tokens = s.select(basis, box);
    DensityField field =
        KnnDensity.of(1, s.kernel("euclidean", MetricSpace.euclidean()))
            .estimate(tokens.rows(), con);
    con.finishBars();
    int n = tokens.rows().rows();
    double[] nn = field.nearestDistances();
    double[] lat = tokens.latDeg();
    double[] lon = tokens.lonDeg();
    double[] r = tokens.r();
    FiniteSummary sum = field.nearestDistanceSummary();
    long zeros = Arrays.stream(nn).filter(d -> d == 0).count();
    Scale scale = Scale.over(nn, colormap, true, false);
    String sub =
        String.format(
            Locale.ROOT,
            "%,d tokens in box %s; basis N=PC%d, M=PC%d, E=PC%d; bright = close neighbour (dense)",
            n,
            BoxSelection.text(box),
            basis.north,
            basis.meridian,
            basis.equinox);
    String label = "Distance to nearest neighbour (embedding units; bright = dense)";
    Colouring colour = new Colouring(nn, scale, label);
    Maps.mollweide(
        new Figure(
            dir.resolve("density_field_mollweide.png"),
            "Density field (Mollweide): " + s.model().name(),
            sub),
        lat,
        lon,
        colour);
    Maps.polar(
        new Figure(
            dir.resolve("density_field_polar.png"),
            "Density field (equatorial): " + s.model().name(),
            sub),
        lon,
        r,
        "radius r (PC units) vs longitude",
        colour);
    // The box is often a small patch of the sphere: a close-up shows the structure inside it.
    Maps.lonLatZoom(
        new Figure(
            dir.resolve("density_field_zoom.png"),
            "Density field (close-up of the box): " + s.model().name(),
            sub),
        lat,
        lon,
        colour,
        new Maps.Window(
            Math.max(-180, box.lonMin()),
            Math.min(180, box.lonMax()),
            Math.max(-90, box.latMin()),
            Math.min(90, box.latMax())));

    Report rep = new Report("density-field", s);
    rep.selection(basis, box);
    rep.put("selected", n);
    rep.put("colormap", colormap.name().toLowerCase(Locale.ROOT) + " (reversed: bright = small)");
    rep.put(
        "nn_distance",
        Report.obj(
            "min",
            sum.min(),
            "median",
            sum.median(),
            "mean",
            sum.mean(),
            "max",
            sum.max(),
            "std",
            sum.std()));
    rep.put("zero_nn_distance_tokens", zeros);
    rep.figure("density_field_mollweide.png");
    rep.figure("density_field_polar.png");
    rep.figure("density_field_zoom.png");
    rep.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "density-field: %,d tokens, nearest-neighbour distance min %.4g, median %.4g, max %.4g,"
                + " %,d at distance 0 (%s)",
            n,
            sum.min(),
            sum.median(),
            sum.max(),
            zeros,
            Session.seconds(t0)));
  }
}
