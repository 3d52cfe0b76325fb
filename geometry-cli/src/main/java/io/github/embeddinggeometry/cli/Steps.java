package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.cli.report.Colormap;
import io.github.embeddinggeometry.frame.BoundingBox;
import java.nio.file.Path;
import java.util.List;

/**
 * The six analyses in the notebooks' order, each with its name (its subcommand and its folder under
 * --out) and how it runs: the one list that {@code all} iterates, the report page links and the
 * run's output folders are taken for.
 */
final class Steps {
  private Steps() {}

  /** What the steps of one run share: the options of {@code all}, checked. */
  record Parameters(
      Options.BasisOptions basis,
      BoundingBox box,
      double eps,
      Colormap colormap,
      Options.KnnOptions knn,
      Options.ProfileOptions profile,
      Options.DensestOptions densest,
      boolean forceMatrix) {}

  /** Runs a step on a session into its folder. */
  @FunctionalInterface
  interface Runner {
    void run(Session s, Parameters p, Path dir);
  }

  /**
   * One analysis.
   *
   * @param name the subcommand, and the folder it writes into under --out
   */
  record Step(String name, Runner runner) {}

  static final List<Step> ALL =
      List.of(
          new Step(
              "pairwise",
              (s, p, dir) -> PairwiseStep.run(s, p.basis(), p.box(), p.forceMatrix(), dir)),
          new Step(
              "density-field",
              (s, p, dir) -> DensityFieldStep.run(s, p.basis(), p.box(), p.colormap(), dir)),
          new Step(
              "clusters", (s, p, dir) -> ClustersStep.run(s, p.basis(), p.box(), p.eps(), dir)),
          new Step("frame", (s, p, dir) -> FrameStep.run(s, p.basis(), p.box(), p.eps(), dir)),
          new Step(
              "density-vs-norm",
              (s, p, dir) -> DensityVsNormStep.run(s, p.knn(), p.profile(), dir)),
          new Step("densest", (s, p, dir) -> DensestStep.run(s, p.knn(), p.densest(), dir)));

  /** The names, in order. */
  static final List<String> NAMES = ALL.stream().map(Step::name).toList();
}
