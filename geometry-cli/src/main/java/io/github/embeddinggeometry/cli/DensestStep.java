package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.Verdicts;
import io.github.embeddinggeometry.cli.report.Figure;
import io.github.embeddinggeometry.cli.report.Plots;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Notebook "Densest Point Neighborhood" (the examples' DensestPointNeighbourhood) as a command:
 * both neighbour lists in report.json with the exact token texts, two rank plots, and the first
 * rows of the notebook's tables on the terminal.
 */
final class DensestStep {
  /** Rows of each neighbour table printed on the terminal (report.json has all). */
  static final int PRINTED = 10;

  private DensestStep() {}

  static void run(Session s, Options.KnnOptions knn, Options.DensestOptions opt, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    con.step("densest");
    knn.check();
    opt.check();
    int top = opt.top;
    DensityField field = s.causalField(knn.metric, knn.ridge, knn.k, knn.sample, knn.seed);
    if (top > field.rows() - 1) {
      throw new UserInputException(
          "--top must be in 1.."
              + (field.rows() - 1)
              + " for "
              + field.rows()
              + " rows; got "
              + top);
    }
    String metricKey = "causal:" + knn.metric + "@" + knn.ridge;
    DensestPoint dp =
        DensestPoint.of(
            field.matrix(),
            field,
            s.kernel(metricKey, MetricSpace.causal(s.metric(knn.metric, knn.ridge))),
            s.kernel("cosine", MetricSpace.cosine()),
            top,
            con);
    con.finishBars();

    List<Map<String, Object>> causal = new ArrayList<>();
    List<Map<String, Object>> cosine = new ArrayList<>();
    double[] causalD = new double[top];
    double[] cosS = new double[top];
    for (int i = 0; i < top; i++) {
      int id = dp.metricIds()[i];
      causalD[i] = dp.metricDistances()[i];
      causal.add(
          Report.obj(
              "rank",
              i + 1,
              "id",
              id,
              "distance",
              causalD[i],
              "text",
              s.rawText(id),
              "in_cosine_top",
              NotebookTables.rank(dp.cosineIds(), id) > 0));
      id = dp.cosineIds()[i];
      cosS[i] = dp.cosineSimilarities()[i];
      cosine.add(
          Report.obj(
              "rank",
              i + 1,
              "id",
              id,
              "similarity",
              cosS[i],
              "text",
              s.rawText(id),
              "in_causal_top",
              NotebookTables.rank(dp.metricIds(), id) > 0));
    }
    boolean infinite = Double.isInfinite(dp.density());
    String verdict = Verdicts.Overlap.of(dp.overlapShare()).name().toLowerCase(Locale.ROOT);

    Report r = new Report("densest", s);
    r.put("k", knn.k);
    r.put("metric", knn.metric);
    r.put("ridge", knn.ridge);
    r.put("sample_rows", field.rows());
    r.put("top", top);
    r.put("densest_token_id", dp.id());
    r.put("densest_text", s.rawText(dp.id()));
    r.put("density", dp.density());
    r.put("density_infinite_duplicate", infinite);
    r.put("mean_knn_distance", dp.meanDistance());
    r.put("causal_neighbors", causal);
    r.put("cosine_neighbors", cosine);
    r.put("overlap", dp.overlap());
    r.put("overlap_share", dp.overlapShare());
    r.put("verdict", verdict);

    String sub =
        String.format(
            Locale.ROOT,
            "densest token %d %s, k = %d, %,d tokens; overlap of the top %d: %d (%.1f%%)",
            dp.id(),
            s.text(dp.id()),
            knn.k,
            field.rows(),
            top,
            dp.overlap(),
            100 * dp.overlapShare());
    Plots.ranks(
        new Figure(
            dir.resolve("densest_causal_neighbors.png"),
            "Causal-metric neighbours of the densest token: " + s.model().name(),
            sub),
        new String[] {"causal distance"},
        new double[][] {causalD},
        "Neighbour rank",
        Plots.Axis.of("Causal distance (logometers)", false));
    Plots.ranks(
        new Figure(
            dir.resolve("densest_cosine_neighbors.png"),
            "Cosine neighbours of the densest token: " + s.model().name(),
            sub),
        new String[] {"cosine similarity"},
        new double[][] {cosS},
        "Neighbour rank",
        Plots.Axis.of("Cosine similarity", false));
    r.figure("densest_causal_neighbors.png");
    r.figure("densest_cosine_neighbors.png");
    r.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "densest: token %d %s, density %s (mean %d-NN distance %.4g); overlap causal/cosine top"
                + " %d: %d (%.1f%%, %s) (%s)",
            dp.id(),
            s.text(dp.id()),
            infinite
                ? "infinite (>= k exact duplicates)"
                : String.format(Locale.ROOT, "%.4g", dp.density()),
            knn.k,
            dp.meanDistance(),
            top,
            dp.overlap(),
            100 * dp.overlapShare(),
            verdict,
            Session.seconds(t0)));
    con.print(out -> NotebookTables.printDensest(dp, s::rawText, PRINTED, out));
  }
}
