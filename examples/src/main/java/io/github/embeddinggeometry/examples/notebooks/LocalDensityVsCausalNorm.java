package io.github.embeddinggeometry.examples.notebooks;

import static io.github.embeddinggeometry.ProgressListener.NONE;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.analysis.CoreShellOuter;
import io.github.embeddinggeometry.analysis.DensityVsNorm;
import io.github.embeddinggeometry.analysis.RadialProfile;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.FiniteSummary;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Notebook "Local Density vs Causal Norm": is the "void" at small causal norms truly sparse or only
 * rarely populated? k-NN density in the causal metric against causal norm. Run it with {@code
 * ./geometry example density-vs-norm}; {@code ./geometry density-vs-norm} draws the plots.
 *
 * <p>Fixed here: the k-NN search streams (the notebook loaded a 32,000^2 matrix), excludes self by
 * index (the notebook dropped every zero and so every duplicate), and the volumetric density is
 * kept as a logarithm (the notebook's {@code exp} overflowed: 0 valid values of 32,000). M is the
 * inverse covariance of W, D_eff its participation ratio (the notebook: a file and 1333).
 *
 * @since 0.1
 */
public final class LocalDensityVsCausalNorm {
  // ---- The notebook's parameters ----

  /** k of the k-NN density (the notebook's K_NEIGHBORS). */
  static final int K = 20;

  /** Bins of the radial density profile. */
  static final int BINS = 30;

  /** Ridge added to the covariance before inverting it into M = C^-1 (0: none). */
  static final double RIDGE = 0;

  private LocalDensityVsCausalNorm() {}

  /** Runs the notebook on the default dataset, all-MiniLM-L6-v2 (all its 30,522 rows). */
  public static void main(String[] args) throws IOException {
    try (MiniLm.Dataset data = MiniLm.load()) {
      ComputeBackend backend = Backends.get();
      EmbeddingMatrix w = data.matrix();
      // The metric tensor M = C^-1 and the effective dimension, from the covariance C of W.
      Covariance c = backend.covariance(w, ProgressListener.NONE);
      CausalMetric m = CausalMetric.inverseOf(c, RIDGE, ProgressListener.NONE);
      int dEff = DensityField.effectiveDimension(c.participationRatio());
      // k-NN density in the causal metric, then everything the notebook derives from it.
      try (DistanceKernel causal = backend.distanceKernel(MetricSpace.causal(m))) {
        DensityField field = KnnDensity.of(K, causal).estimate(w, NONE);
        print(DensityVsNorm.of(field, m, dEff, BINS, NONE), System.out);
      }
    }
  }

  /** The notebook's printed statistics, the radial profile as a table, and its verdict. */
  static void print(DensityVsNorm r, PrintStream out) {
    summary("Density (1/logometers)", r.field().densitySummary(), out);
    summary("ln volumetric density, D_eff = " + r.dEff(), FiniteSummary.of(r.logVolumetric()), out);
    summary("Causal norm (logometers)", FiniteSummary.of(r.causalNorms()), out);
    out.println("Radial density profile:\n  norm from   tokens  mean density");
    RadialProfile p = r.profile();
    for (int b = 0; b < p.bins(); b++) {
      out.printf(Locale.ROOT, "  %9.3f %8d  %.6f%n", p.edges()[b], p.counts()[b], p.means()[b]);
    }
    CoreShellOuter g = r.regions();
    region("Core (norm < " + f2(g.p10()) + ")", g.core(), out);
    region("Shell (" + f2(g.p40()) + " < norm < " + f2(g.p60()) + ")", g.shell(), out);
    region("Outer (norm > " + f2(g.p90()) + ")", g.outer(), out);
    out.printf(Locale.ROOT, "Core/Shell density ratio: %.2fx%n", g.coreShellRatio());
    out.println("  " + r.verdict().text());
  }

  private static void summary(String name, FiniteSummary s, PrintStream out) {
    String range = String.format(Locale.ROOT, "min %.6g, max %.6g", s.min(), s.max());
    String middle = String.format(Locale.ROOT, "mean %.6g, median %.6g", s.mean(), s.median());
    out.println(name + ": " + range + ", " + middle + " (" + s.infinite() + " infinite)");
  }

  private static void region(String name, CoreShellOuter.Region g, PrintStream out) {
    String stats = String.format(Locale.ROOT, "mean density %.6f, std %.6f", g.mean(), g.std());
    out.printf(Locale.ROOT, "%s: %,d tokens, %s%n", name, g.count(), stats);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
