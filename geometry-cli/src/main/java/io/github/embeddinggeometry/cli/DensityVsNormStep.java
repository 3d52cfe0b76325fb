package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.analysis.CoreShellOuter;
import io.github.embeddinggeometry.analysis.DensityVsNorm;
import io.github.embeddinggeometry.analysis.RadialProfile;
import io.github.embeddinggeometry.analysis.Verdicts;
import io.github.embeddinggeometry.cli.report.Colormap;
import io.github.embeddinggeometry.cli.report.Colouring;
import io.github.embeddinggeometry.cli.report.Figure;
import io.github.embeddinggeometry.cli.report.Plots;
import io.github.embeddinggeometry.cli.report.Scale;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.FiniteSummary;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Notebook "Local Density vs Causal Norm" (the examples' LocalDensityVsCausalNorm) as a command:
 * its statistics in report.json, two scatter plots and the radial profile.
 */
final class DensityVsNormStep {
  private DensityVsNormStep() {}

  static void run(Session s, Options.KnnOptions knn, Options.ProfileOptions prof, Path dir) {
    long t0 = System.nanoTime();
    Console con = s.console();
    con.step("density-vs-norm");
    knn.check();
    prof.check();
    DensityField field = s.causalField(knn.metric, knn.ridge, knn.k, knn.sample, knn.seed);
    double pr = s.pca().participationRatio();
    int dEff = prof.dEff != null ? prof.dEff : DensityField.effectiveDimension(pr);
    DensityVsNorm res =
        DensityVsNorm.of(field, s.metric(knn.metric, knn.ridge), dEff, prof.bins, con);
    con.finishBars();
    double[] norms = res.causalNorms();
    double[] density = field.densities();
    double[] logVol = res.logVolumetric();
    RadialProfile profile = res.profile();
    CoreShellOuter cso = res.regions();
    Verdicts.CoreShell verdict = res.verdict();
    FiniteSummary ds = field.densitySummary();
    FiniteSummary ns = FiniteSummary.of(norms);
    FiniteSummary ls = FiniteSummary.of(logVol);
    int n = field.rows();

    String sub =
        String.format(
            Locale.ROOT,
            "%,d tokens, k = %d, metric %s%s; %,d infinite" + " densities not drawn",
            n,
            knn.k,
            knn.metric,
            knn.ridge > 0 ? " (ridge " + knn.ridge + ")" : "",
            ds.infinite());
    Plots.Axis normAxis = new Plots.Axis("Causal norm (logometers)", norms, false);
    Plots.scatter(
        new Figure(
            dir.resolve("density_vs_norm.png"),
            "Local density vs causal norm: " + s.model().name(),
            sub),
        normAxis,
        new Plots.Axis("Local density 1/r_k (1/logometers, log)", density, true),
        new Colouring(
            density,
            Scale.over(density, Colormap.VIRIDIS, false, true),
            "Local density (1/logometers)"));
    Plots.scatter(
        new Figure(
            dir.resolve("volumetric_density_vs_norm.png"),
            "Volumetric density vs causal norm: " + s.model().name(),
            String.format(
                Locale.ROOT,
                "D_eff = %d (%s), k = %d, %,d tokens",
                dEff,
                prof.dEff == null
                    ? String.format(Locale.ROOT, "participation ratio %.1f", pr)
                    : "--d-eff",
                knn.k,
                n)),
        normAxis,
        new Plots.Axis("ln volumetric density (ln tokens/logometer^D)", logVol, false),
        new Colouring(
            logVol, Scale.over(logVol, Colormap.VIRIDIS, false, false), "ln volumetric density"));
    Plots.profile(
        new Figure(
            dir.resolve("radial_profile.png"),
            "Radial density profile: " + s.model().name(),
            String.format(
                Locale.ROOT,
                "%d bins of causal norm; core/shell density ratio %.2f: %s",
                prof.bins,
                cso.coreShellRatio(),
                verdict.text())),
        new Plots.Profile(
            profile.edges(), toLongs(profile.counts()), profile.means(), profile.stds()),
        "Causal norm (logometers)",
        "Mean local density (1/logometers)");

    Report r = new Report("density-vs-norm", s);
    r.put("k", knn.k);
    r.put("metric", knn.metric);
    r.put("ridge", knn.ridge);
    r.put("sample_rows", n);
    r.put("seed", knn.seed);
    r.put("d_eff", dEff);
    r.put("participation_ratio", pr);
    r.put("density", summary(ds));
    r.put("causal_norm", summary(ns));
    r.put("log_volumetric_density", summary(ls));
    r.put(
        "radial_profile",
        Report.obj(
            "edges",
            profile.edges(),
            "counts",
            profile.counts(),
            "infinite_counts",
            profile.infiniteCounts(),
            "mean_density",
            profile.means(),
            "std_density",
            profile.stds()));
    r.put(
        "percentiles",
        Report.obj(
            "p10",
            cso.p10(),
            "p40",
            cso.p40(),
            "median",
            cso.median(),
            "p60",
            cso.p60(),
            "p90",
            cso.p90()));
    r.put("core", region(cso.core()));
    r.put("shell", region(cso.shell()));
    r.put("outer", region(cso.outer()));
    r.put("core_shell_ratio", cso.coreShellRatio());
    r.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
    r.figure("density_vs_norm.png");
    r.figure("volumetric_density_vs_norm.png");
    r.figure("radial_profile.png");
    r.write(dir, t0);
    con.line(
        String.format(
            Locale.ROOT,
            "density-vs-norm: %,d tokens, causal norm %.2f..%.2f; core/shell density ratio %.2f: %s"
                + " (%s)",
            n,
            ns.min(),
            ns.max(),
            cso.coreShellRatio(),
            verdict.text(),
            Session.seconds(t0)));
  }

  static Map<String, Object> summary(FiniteSummary f) {
    return Report.obj(
        "finite",
        f.finite(),
        "infinite",
        f.infinite(),
        "min",
        f.min(),
        "median",
        f.median(),
        "mean",
        f.mean(),
        "max",
        f.max(),
        "std",
        f.std());
  }

  private static Map<String, Object> region(CoreShellOuter.Region g) {
    return Report.obj(
        "count",
        g.count(),
        "infinite",
        g.infinite(),
        "mean_density",
        g.mean(),
        "std_density",
        g.std());
  }

  private static long[] toLongs(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
