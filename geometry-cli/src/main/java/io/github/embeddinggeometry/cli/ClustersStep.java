package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.cli.report.Figure;
import io.github.embeddinggeometry.cli.report.Plots;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Notebooks 1.4g-1.4h: near-duplicate components of the rows in the box and the void. */
final class ClustersStep {
  /** Token texts of the largest cluster listed in the report. */
  static final int TEXT_SAMPLE = 40;

  static final String FILE = "cluster_tokens.safetensors";

  private ClustersStep() {}

  /** Finds (or reuses) the components; the frame step needs the same ones. */
  static NearDuplicateClusters find(
      Session s, Options.BasisOptions basis, BoundingBox box, double eps) {
    EmbeddingMatrix sel = s.select(basis, box).rows();
    String key =
        basis.north
            + "/"
            + basis.meridian
            + "/"
            + basis.equinox
            + "/"
            + BoxSelection.text(box)
            + "/"
            + eps;
    return s.clusters(
        key,
        () -> {
          long t0 = System.nanoTime();
          NearDuplicateClusters cl =
              NearDuplicateClusters.find(
                  sel, eps, s.kernel("euclidean", MetricSpace.euclidean()), s.console());
          s.console().finishBars();
          s.console()
              .line(
                  String.format(
                      Locale.ROOT,
                      "near-duplicate clusters: eps = %s over %,d rows: %,d components, largest %,d (%s)",
                      eps,
                      sel.rows(),
                      cl.componentCount(),
                      cl.largestSize(),
                      Session.seconds(t0)));
          return cl;
        });
  }

  static void run(Session s, Options.BasisOptions basis, BoundingBox box, double eps, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    con.step("clusters");
    NearDuplicateClusters cl = find(s, basis, box, eps);
    double voidWidth = cl.voidWidth(con);
    con.finishBars();
    int[] sizes = cl.sizes();
    int[] largest = cl.largestIds();
    int nonSingleton = cl.componentCount() - cl.singletonCount();

    Outputs.safetensors(
        dir.resolve(FILE),
        List.of(Tensors.of("cluster_token_ids", Outputs.longs(largest), largest.length)));

    Report r = new Report("clusters", s);
    r.selection(basis, box);
    r.put("eps", eps);
    r.put("selected", cl.matrix().rows());
    r.put("components", cl.componentCount());
    r.put("singletons", cl.singletonCount());
    r.put("clusters", nonSingleton);
    List<Integer> top = new ArrayList<>();
    for (int i = 0; i < Math.min(20, nonSingleton); i++) {
      top.add(sizes[i]);
    }
    r.put("cluster_sizes", top);
    r.put("largest_size", cl.largestSize());
    r.put("void", voidWidth);
    r.put("largest_centroid_norm", NotebookTables.norm(cl.largestCentroid()));
    List<Map<String, Object>> texts = new ArrayList<>();
    for (int i = 0; i < Math.min(TEXT_SAMPLE, largest.length); i++) {
      texts.add(Report.obj("id", largest[i], "text", s.rawText(largest[i])));
    }
    r.put("largest_sample", texts);
    r.put("largest_ids", largest);
    r.file(FILE);

    // Figure: nearest-neighbour distances inside and outside the largest cluster, with eps:
    // shows whether a void separates the cluster.
    EmbeddingMatrix rows = cl.matrix();
    double[] nn =
        KnnDensity.of(1, s.kernel("euclidean", MetricSpace.euclidean()))
            .estimate(rows, con)
            .nearestDistances();
    con.finishBars();
    java.util.Set<Integer> in = new java.util.HashSet<>();
    for (int id : largest) {
      in.add(id);
    }
    double hi = Math.max(eps, java.util.Arrays.stream(nn).max().orElse(1)) * 1.02;
    if (!(hi > 0)) {
      hi = 1;
    }
    int bins = 100;
    long[][] counts = new long[2][bins];
    for (int i = 0; i < nn.length; i++) {
      int b = Math.min(bins - 1, (int) (nn[i] / hi * bins));
      counts[in.contains(rows.id(i)) ? 0 : 1][b]++;
    }
    double[] edges = new double[bins + 1];
    for (int b = 0; b <= bins; b++) {
      edges[b] = hi * b / bins;
    }
    Plots.histogram(
        new Figure(
            dir.resolve("cluster_nn_distances.png"),
            "Nearest-neighbour distances in the box: " + s.model().name(),
            String.format(
                Locale.ROOT,
                "eps = %s: largest cluster %,d rows, %,d other clusters,"
                    + " %,d singletons; void %.3g",
                eps,
                cl.largestSize(),
                nonSingleton - 1,
                cl.singletonCount(),
                voidWidth)),
        new Plots.Bins(edges, new String[] {"largest cluster", "all other rows"}, counts),
        new Plots.Marker(eps, "eps"),
        "Distance to nearest neighbour (embedding units)",
        Plots.Axis.of("Rows", false));
    r.figure("cluster_nn_distances.png");
    r.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "clusters: eps = %s: %,d clusters + %,d singletons; largest %,d rows, void %.4g (%s)",
            eps,
            nonSingleton,
            cl.singletonCount(),
            cl.largestSize(),
            voidWidth,
            Session.seconds(t0)));
  }
}
