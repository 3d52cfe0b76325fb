package io.github.embeddinggeometry.examples;

import io.github.embeddinggeometry.examples.report.Colormap;
import io.github.embeddinggeometry.frame.BoundingBox;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code geometry} command line: each subcommand reproduces one research notebook on a model's
 * embedding matrix and writes PNG figures and a {@code report.json} (keys in the README, section
 * "Reports").
 *
 * <p>Exit codes: 0 success; 2 bad arguments or bad input (one line on stderr naming the problem); 1
 * an unexpected failure (stack trace).
 *
 * @since 0.1
 */
@Command(
    name = "geometry",
    mixinStandardHelpOptions = true,
    version = "geometry 0.1.0",
    description = "Reproduces the embedding-geometry notebooks with figures and JSON reports.",
    subcommands = {
      GeometryCli.Pairwise.class,
      GeometryCli.DensityFieldCmd.class,
      GeometryCli.Clusters.class,
      GeometryCli.Frame.class,
      GeometryCli.DensityVsNorm.class,
      GeometryCli.Densest.class,
      GeometryCli.All.class
    })
public final class GeometryCli implements Callable<Integer> {
  /** Exit code for bad arguments or input. */
  public static final int EXIT_BAD_INPUT = 2;

  private final PrintStream out;
  private final PrintStream err;

  /**
   * The library's loggers. Held strongly: JUL forgets the level of a logger nobody references. The
   * INFO lines (backend chosen) repeat what the command prints itself, so only warnings pass.
   */
  private static final java.util.logging.Logger LIBRARY_LOG =
      java.util.logging.Logger.getLogger("io.github.embeddinggeometry");

  private GeometryCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // One short line per log record (the backend choice, a missing GPU) instead of JUL's two.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    System.setProperty("java.awt.headless", "true");
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command line in-process (for tests): returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    System.setProperty("java.awt.headless", "true");
    GeometryCli root = new GeometryCli(out, err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
          err.println(cmd + ": " + ex.getMessage() + " (see '" + cmd + " --help')");
          return EXIT_BAD_INPUT;
        });
    cl.setExecutionExceptionHandler(
        (ex, line, parse) -> {
          String cmd = line.getCommandSpec().qualifiedName();
          if (isBadInput(ex)) {
            err.println(cmd + ": error: " + oneLine(ex));
            return EXIT_BAD_INPUT;
          }
          err.println(cmd + ": internal error: " + oneLine(ex));
          ex.printStackTrace(err);
          return 1;
        });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(out);
    return EXIT_BAD_INPUT;
  }

  static boolean isBadInput(Throwable ex) {
    return ex instanceof UserInputException
        || ex instanceof IllegalArgumentException
        || ex instanceof IOException
        || ex instanceof UncheckedIOException;
  }

  private static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      m = ex.getClass().getSimpleName();
    }
    return m.replaceAll("\\s*\\R\\s*", " ");
  }

  /** Shared by the subcommands: loads the model, opens a session, reports where results are. */
  abstract static class Base implements Callable<Integer> {
    @Mixin Options.ModelOptions model;
    @CommandLine.ParentCommand GeometryCli root;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    abstract String name();

    abstract void run(Session s, Path out);

    @Override
    public final Integer call() throws IOException {
      Console console = new Console(root.out, root.err, model.quiet);
      // --quiet: errors only, not even the library's warnings (e.g. "no GPU, using the CPU").
      LIBRARY_LOG.setLevel(
          model.quiet ? java.util.logging.Level.SEVERE : java.util.logging.Level.WARNING);
      long t0 = System.nanoTime();
      Path out = model.out != null ? model.out : Path.of("out", name());
      try (ModelLoader.Model m = ModelLoader.load(model.model, model.tokenizer, console);
          Session s = new Session(m, console, Session.sparkMaster(spec))) {
        console.finishBars();
        console.line(
            String.format(
                Locale.ROOT,
                "model: %s, %,d x %,d (%s)",
                m.name(),
                m.matrix().rows(),
                m.matrix().dim(),
                Session.seconds(t0)));
        console.line("backend: " + s.backend().description());
        run(s, out);
      }
      console.line(
          String.format(
              Locale.ROOT,
              "figures and report.json in %s (%s in all)",
              out.toAbsolutePath().normalize(),
              Session.seconds(t0)));
      return 0;
    }
  }

  @Command(
      name = "pairwise",
      mixinStandardHelpOptions = true,
      description =
          "Notebook 1.4b: exact pairwise distances of the tokens in the box;"
              + " distances.safetensors, pairwise_distances.png, report.json.")
  static final class Pairwise extends Base {
    @Mixin Options.BasisOptions basis;
    @Mixin Options.SparkOptions spark;
    @Mixin Options.PairwiseOptions pairwise;

    @Override
    String name() {
      return "pairwise";
    }

    @Override
    void run(Session s, Path out) {
      PairwiseStep.run(s, basis, basis.box(model.isMinilm()), pairwise.force, Outputs.folder(out));
    }
  }

  @Command(
      name = "density-field",
      mixinStandardHelpOptions = true,
      description =
          "Notebook 1.5b: nearest-neighbour distance of the tokens in the box on"
              + " Mollweide and polar maps.")
  static final class DensityFieldCmd extends Base {
    @Mixin Options.BasisOptions basis;
    @Mixin Options.SparkOptions spark;
    @Mixin Options.FigureOptions figure;

    @Override
    String name() {
      return "density-field";
    }

    @Override
    void run(Session s, Path out) {
      Colormap cm = Colormap.parse(figure.colormap);
      DensityFieldStep.run(s, basis, basis.box(model.isMinilm()), cm, Outputs.folder(out));
    }
  }

  @Command(
      name = "clusters",
      mixinStandardHelpOptions = true,
      description =
          "Notebooks 1.4g-1.4h: near-duplicate components of the tokens in the box, the"
              + " void; cluster_tokens.safetensors.")
  static final class Clusters extends Base {
    @Mixin Options.BasisOptions basis;
    @Mixin Options.ClusterOptions cluster;

    @Override
    String name() {
      return "clusters";
    }

    @Override
    void run(Session s, Path out) {
      boolean minilm = model.isMinilm();
      ClustersStep.run(s, basis, basis.box(minilm), cluster.eps(minilm), Outputs.folder(out));
    }
  }

  @Command(
      name = "frame",
      mixinStandardHelpOptions = true,
      description =
          "Notebook 1.6a: PCA of W + centroid of the largest cluster;"
              + " cluster_reference_frame.safetensors, verified by reading it back.")
  static final class Frame extends Base {
    @Mixin Options.BasisOptions basis;
    @Mixin Options.ClusterOptions cluster;

    @Override
    String name() {
      return "frame";
    }

    @Override
    void run(Session s, Path out) {
      boolean minilm = model.isMinilm();
      FrameStep.run(s, basis, basis.box(minilm), cluster.eps(minilm), Outputs.folder(out));
    }
  }

  @Command(
      name = "density-vs-norm",
      mixinStandardHelpOptions = true,
      description =
          "Notebook 'Local Density vs Causal Norm': k-NN density against causal norm,"
              + " radial profile, core/shell/outer.")
  static final class DensityVsNorm extends Base {
    @Mixin Options.KnnOptions knn;
    @Mixin Options.SparkOptions spark;
    @Mixin Options.ProfileOptions profile;

    @Override
    String name() {
      return "density-vs-norm";
    }

    @Override
    void run(Session s, Path out) {
      DensityVsNormStep.run(s, knn, profile, Outputs.folder(out));
    }
  }

  @Command(
      name = "densest",
      mixinStandardHelpOptions = true,
      description =
          "Notebook 'Densest Point Neighborhood': the densest token's neighbours in the"
              + " causal metric and in cosine similarity.")
  static final class Densest extends Base {
    @Mixin Options.KnnOptions knn;
    @Mixin Options.SparkOptions spark;
    @Mixin Options.DensestOptions densest;

    @Override
    String name() {
      return "densest";
    }

    @Override
    void run(Session s, Path out) {
      DensestStep.run(s, knn, densest.top, Outputs.folder(out));
    }
  }

  @Command(
      name = "all",
      mixinStandardHelpOptions = true,
      description =
          "The six analyses in order on one loaded matrix (shared PCA, clusters and"
              + " k-NN), each into its own folder under --out (default: out).")
  static final class All extends Base {
    @Mixin Options.BasisOptions basis;
    @Mixin Options.ClusterOptions cluster;
    @Mixin Options.KnnOptions knn;
    @Mixin Options.ProfileOptions profile;
    @Mixin Options.DensestOptions densest;
    @Mixin Options.FigureOptions figure;
    @Mixin Options.PairwiseOptions pairwise;

    @Override
    String name() {
      return "";
    }

    @Override
    void run(Session s, Path out) {
      boolean minilm = model.isMinilm();
      BoundingBox box = basis.box(minilm);
      double eps = cluster.eps(minilm);
      Colormap cm = Colormap.parse(figure.colormap);
      knn.check();
      PairwiseStep.run(s, basis, box, pairwise.force, Outputs.folder(out.resolve("pairwise")));
      DensityFieldStep.run(s, basis, box, cm, Outputs.folder(out.resolve("density-field")));
      ClustersStep.run(s, basis, box, eps, Outputs.folder(out.resolve("clusters")));
      FrameStep.run(s, basis, box, eps, Outputs.folder(out.resolve("frame")));
      DensityVsNormStep.run(s, knn, profile, Outputs.folder(out.resolve("density-vs-norm")));
      DensestStep.run(s, knn, densest.top, Outputs.folder(out.resolve("densest")));
    }
  }
}
