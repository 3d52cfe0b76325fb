package io.github.embeddinggeometry.examples;

import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.examples.report.Figure;
import io.github.embeddinggeometry.examples.report.Plots;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Notebook "Densest Point Neighborhood": causal vs cosine neighbours of the densest token. */
final class DensestStep {
  private DensestStep() {}

  static void run(Session s, Options.KnnOptions knn, int top, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    knn.check();
    DensityField field = s.causalField(knn.metric, knn.ridge, knn.k, knn.sample, knn.seed);
    if (top < 1 || top > field.rows() - 1) {
      throw new UserInputException(
          "--top must be in 1.."
              + (field.rows() - 1)
              + " for "
              + field.rows()
              + " rows; got "
              + top);
    }
    CausalMetric m = s.metric(knn.metric, knn.ridge);
    String metricKey = "causal:" + knn.metric + "@" + knn.ridge;
    DensestPoint dp =
        DensestPoint.of(
            field.matrix(),
            field,
            s.kernel(metricKey, MetricSpace.causal(m)),
            s.kernel("cosine", MetricSpace.cosine()),
            top,
            con);
    con.finishBars();

    Set<Integer> cosineSet = new HashSet<>();
    for (int id : dp.cosineIds()) {
      cosineSet.add(id);
    }
    Set<Integer> causalSet = new HashSet<>();
    List<Map<String, Object>> causal = new ArrayList<>();
    double[] causalD = new double[top];
    for (int i = 0; i < top; i++) {
      int id = dp.metricIds()[i];
      causalSet.add(id);
      causalD[i] = dp.metricDistances()[i];
      causal.add(
          Report.obj(
              "rank",
              i + 1,
              "id",
              id,
              "distance",
              dp.metricDistances()[i],
              "text",
              s.text(id),
              "in_cosine_top",
              cosineSet.contains(id)));
    }
    List<Map<String, Object>> cosine = new ArrayList<>();
    double[] cosS = new double[top];
    for (int i = 0; i < top; i++) {
      int id = dp.cosineIds()[i];
      cosS[i] = dp.cosineSimilarities()[i];
      cosine.add(
          Report.obj(
              "rank",
              i + 1,
              "id",
              id,
              "similarity",
              dp.cosineSimilarities()[i],
              "text",
              s.text(id),
              "in_causal_top",
              causalSet.contains(id)));
    }
    boolean infinite = Double.isInfinite(dp.density());
    String densestText = s.text(dp.id());

    Report r = new Report("densest", s);
    r.put("k", knn.k);
    r.put("metric", knn.metric);
    r.put("ridge", knn.ridge);
    r.put("sample_rows", field.rows());
    r.put("top", top);
    r.put("densest_token_id", dp.id());
    r.put("densest_text", densestText);
    r.put("density", dp.density());
    r.put("density_infinite_duplicate", infinite);
    r.put("mean_knn_distance", dp.meanDistance());
    r.put("causal_neighbors", causal);
    r.put("cosine_neighbors", cosine);
    r.put("overlap", dp.overlap());
    r.put("overlap_share", dp.overlapShare());
    r.put("verdict", Verdicts.Overlap.of(dp.overlapShare()).name().toLowerCase(Locale.ROOT));

    String sub =
        String.format(
            Locale.ROOT,
            "densest token %d %s, k = %d, %,d tokens; overlap" + " of the top %d: %d (%.1f%%)",
            dp.id(),
            densestText,
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
            densestText,
            infinite
                ? "infinite (>= k exact duplicates)"
                : String.format(Locale.ROOT, "%.4g", dp.density()),
            knn.k,
            dp.meanDistance(),
            top,
            dp.overlap(),
            100 * dp.overlapShare(),
            Verdicts.Overlap.of(dp.overlapShare()).name().toLowerCase(Locale.ROOT),
            Session.seconds(t0)));
    if (!con.quiet()) {
      con.line("  rank  causal id  distance    text            | cosine id  similarity  text");
      for (int i = 0; i < Math.min(top, 10); i++) {
        con.line(
            String.format(
                Locale.ROOT,
                "  %4d  %9d  %.6f  %-15s | %9d  %.6f    %s",
                i + 1,
                dp.metricIds()[i],
                dp.metricDistances()[i],
                clip(s.text(dp.metricIds()[i])),
                dp.cosineIds()[i],
                dp.cosineSimilarities()[i],
                clip(s.text(dp.cosineIds()[i]))));
      }
    }
  }

  private static String clip(String t) {
    return t.length() > 15 ? t.substring(0, 14) + "\u2026" : t;
  }
}
