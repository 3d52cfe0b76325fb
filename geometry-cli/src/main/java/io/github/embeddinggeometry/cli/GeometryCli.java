package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.cli.output.AtomicFiles;
import io.github.embeddinggeometry.cli.output.FolderLock;
import io.github.embeddinggeometry.cli.report.Colormap;
import io.github.embeddinggeometry.frame.BoundingBox;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code geometry} command line: each subcommand reproduces one research notebook on a model's
 * embedding matrix with the library's analyses, and writes PNG figures, a {@code report.json} (keys
 * in docs/cli.md, section "Reports") and an {@code index.html} made from it ({@code
 * docs/report-page.md}); {@code geometry example NAME} runs one notebook program as it is. The
 * programs live in the examples module, which depends on this one and hands them over ({@link
 * #main(Map, String[])}): the command line never imports them.
 *
 * <p>Exit codes: 0 success; 2 bad arguments or input; 3 out of memory or disk space; 130/143 on
 * SIGINT/SIGTERM; 1 a bug (stack trace in {@code geometry-error.log} in the output folder). Each
 * failure prints one line on stderr.
 *
 * @since 0.1
 */
@Command(
    name = "geometry",
    mixinStandardHelpOptions = true,
    version = "geometry 0.1.0",
    description =
        "Reproduces the embedding-geometry notebooks with figures, JSON reports and a page"
            + " (index.html) to read them in a browser.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "2:bad arguments, input or environment (one line says which); another run is writing"
          + " into the output folder (see --wait)",
      "3:out of memory or disk space",
      "130:stopped by SIGINT (143: SIGTERM)",
      "1:a bug (stack trace in geometry-error.log in the output folder)"
    },
    subcommands = {
      GeometryCli.Pairwise.class,
      GeometryCli.DensityFieldCmd.class,
      GeometryCli.Clusters.class,
      GeometryCli.Frame.class,
      GeometryCli.DensityVsNorm.class,
      GeometryCli.Densest.class,
      GeometryCli.All.class,
      GeometryCli.Example.class,
      Info.class
    })
public final class GeometryCli implements Callable<Integer> {
  /** Exit code for bad arguments or input. */
  public static final int EXIT_BAD_INPUT = Failures.BAD_INPUT;

  private final PrintStream out;
  private final PrintStream err;

  /** The notebook programs {@code example} runs, by name; empty without the examples module. */
  private final Map<String, ExampleProgram> examples;

  /**
   * The library's loggers. Held strongly: JUL forgets the level of a logger nobody references. The
   * INFO lines (backend chosen) repeat what the command prints itself, so only warnings pass.
   */
  private static final java.util.logging.Logger LIBRARY_LOG =
      java.util.logging.Logger.getLogger("io.github.embeddinggeometry");

  /** Set just before a normal {@code System.exit}: the shutdown hook then has nothing to do. */
  private static volatile boolean exiting;

  private GeometryCli(PrintStream out, PrintStream err, Map<String, ExampleProgram> examples) {
    this.out = out;
    this.err = err;
    this.examples = examples;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    main(Map.of(), args);
  }

  /**
   * Runs the command line, with these notebook programs for {@code example}, and exits with its
   * code.
   *
   * @param examples the programs by name, in the order the help lists them
   * @param args the command line's arguments
   */
  public static void main(Map<String, ExampleProgram> examples, String[] args) {
    // One short line per log record (the backend choice, a missing GPU) instead of JUL's two.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    System.setProperty("java.awt.headless", "true");
    // The terminal's stream, kept: a backend's shutdown hook may silence System.err.
    PrintStream terminal = System.err;
    // SIGINT/SIGTERM: remove the files being written (finished ones stay, each step's report.json
    // says whether the step completed); the JVM then exits with 130 or 143.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!exiting) {
                    AtomicFiles.abandon();
                    terminal.println(
                        "geometry: interrupted; files being written were removed (a folder"
                            + " without report.json is incomplete)");
                  }
                },
                "geometry-shutdown"));
    // A failure in another thread (not the pool's: those reach the caller) gets one line too.
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> terminal.println("geometry: " + t.getName() + ": " + Failures.oneLine(e)));
    int code = run(System.out, System.err, examples, args);
    exiting = true;
    System.exit(code);
  }

  /** Runs the command line in-process (for tests): returns the exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return run(out, err, Map.of(), args);
  }

  /**
   * Runs the command line in-process with these notebook programs for {@code example}: returns the
   * exit code.
   *
   * @param out the command's standard output
   * @param err its standard error: one line per failure
   * @param examples the programs by name, in the order the help lists them
   * @param args the command line's arguments
   */
  public static int run(
      PrintStream out, PrintStream err, Map<String, ExampleProgram> examples, String... args) {
    System.setProperty("java.awt.headless", "true");
    GeometryCli root = new GeometryCli(out, err, examples);
    CommandLine cl = new CommandLine(root);
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
          err.println(cmd + ": " + ex.getMessage() + " (see '" + cmd + " --help')");
          return EXIT_BAD_INPUT;
        });
    // Subcommands report their own failures (Base.call); this catches what escapes them.
    cl.setExecutionExceptionHandler(
        (ex, line, parse) ->
            Failures.report(
                line.getCommandSpec().qualifiedName(),
                ex,
                "the command",
                Path.of("out"),
                false,
                err));
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(out);
    return EXIT_BAD_INPUT;
  }

  /** Shared by the subcommands: loads the model, opens a session, reports where results are. */
  abstract static class Base implements Callable<Integer> {
    @Mixin Options.ModelOptions model;
    @CommandLine.ParentCommand GeometryCli root;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    abstract String name();

    /** Runs the analyses; {@code root} is --out (default out), {@code sub} the step folder. */
    abstract void run(Session s, Path root, String sub);

    /**
     * Checks the options that need no data, before anything is loaded. The defaults that depend on
     * the model (box, eps) are chosen in {@link #run} once its matrix is known; here only the given
     * options are checked ({@link #ANY_MODEL}).
     */
    void check() {}

    /** For {@link #check}: the options' checks do not depend on which model's defaults apply. */
    static final boolean ANY_MODEL = false;

    @Override
    public final Integer call() {
      Console console = new Console(root.out, root.err, model.quiet);
      // --quiet: errors only, not even the library's warnings (e.g. "no GPU, using the CPU").
      LIBRARY_LOG.setLevel(
          model.quiet ? java.util.logging.Level.SEVERE : java.util.logging.Level.WARNING);
      long t0 = System.nanoTime();
      // An --out that is empty or undecodable ends here, with exit 2 (the execution handler).
      Path outRoot = model.out(Path.of("out"));
      // A single subcommand writes into --out itself, or into out/<name> by default.
      String sub = model.out != null || name().isEmpty() ? null : name();
      Path shown = sub == null ? outRoot : outRoot.resolve(sub);
      try {
        check();
        console.step("loading the model");
        try (RunFolders folders = folders(outRoot, sub, console);
            ModelLoader.Model m = ModelLoader.load(model.model, model.tokenizer, console);
            Session s = new Session(m, console, Session.sparkMaster(spec), shown)) {
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
          run(s, outRoot, sub);
        }
      } catch (Throwable e) {
        console.finishBars();
        String cmd = "geometry" + (name().isEmpty() ? " all" : " " + name());
        return Failures.report(cmd, e, console.where(), shown, model.debug, root.err);
      }
      console.line(
          String.format(
              Locale.ROOT,
              "figures and report.json in %s (%s in all)",
              shown.toAbsolutePath().normalize(),
              Session.seconds(t0)));
      console.line("report page: " + shown.toAbsolutePath().normalize().resolve(Outputs.PAGE));
      return Failures.OK;
    }

    /**
     * This run's output folders, checked against its inputs, locked and cleaned before the model is
     * loaded: a single step's folder, or the six of {@code all}.
     */
    private RunFolders folders(Path outRoot, String sub, Console console) {
      List<RunFolders.Target> targets = new ArrayList<>();
      if (name().isEmpty()) {
        for (String step : Outputs.STEPS) {
          targets.add(new RunFolders.Target(outRoot, step, step));
        }
      } else {
        targets.add(new RunFolders.Target(outRoot, sub, name()));
      }
      return RunFolders.take(targets, Inputs.of(spec), model.wait, console);
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
    void check() {
      basis.box(ANY_MODEL);
    }

    @Override
    void run(Session s, Path root, String sub) {
      BoundingBox box = basis.box(s.model().isMinilm());
      PairwiseStep.run(s, basis, box, pairwise.force, Outputs.stepFolder(root, sub));
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
    void check() {
      basis.box(ANY_MODEL);
      Colormap.parse(figure.colormap);
    }

    @Override
    void run(Session s, Path root, String sub) {
      Colormap cm = Colormap.parse(figure.colormap);
      BoundingBox box = basis.box(s.model().isMinilm());
      DensityFieldStep.run(s, basis, box, cm, Outputs.stepFolder(root, sub));
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
    void check() {
      basis.box(ANY_MODEL);
      cluster.eps(ANY_MODEL);
    }

    @Override
    void run(Session s, Path root, String sub) {
      boolean minilm = s.model().isMinilm();
      ClustersStep.run(
          s, basis, basis.box(minilm), cluster.eps(minilm), Outputs.stepFolder(root, sub));
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
    @Mixin Options.SparkOptions spark;

    @Override
    String name() {
      return "frame";
    }

    @Override
    void check() {
      basis.box(ANY_MODEL);
      cluster.eps(ANY_MODEL);
    }

    @Override
    void run(Session s, Path root, String sub) {
      boolean minilm = s.model().isMinilm();
      FrameStep.run(
          s, basis, basis.box(minilm), cluster.eps(minilm), Outputs.stepFolder(root, sub));
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
    void check() {
      knn.check();
      profile.check();
    }

    @Override
    void run(Session s, Path root, String sub) {
      DensityVsNormStep.run(s, knn, profile, Outputs.stepFolder(root, sub));
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
    void check() {
      knn.check();
      densest.check();
    }

    @Override
    void run(Session s, Path root, String sub) {
      DensestStep.run(s, knn, densest, Outputs.stepFolder(root, sub));
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
    void check() {
      basis.box(ANY_MODEL);
      cluster.eps(ANY_MODEL);
      Colormap.parse(figure.colormap);
      knn.check();
      profile.check();
      densest.check();
    }

    @Override
    void run(Session s, Path root, String sub) {
      boolean minilm = s.model().isMinilm();
      Steps.Parameters p =
          new Steps.Parameters(
              basis,
              basis.box(minilm),
              cluster.eps(minilm),
              Colormap.parse(figure.colormap),
              knn,
              profile,
              densest,
              pairwise.force);
      // The old page would link a mix of old and new steps until the last one is done.
      Outputs.remove(root.resolve(Outputs.PAGE));
      for (Steps.Step step : Steps.ALL) {
        step.runner().run(s, p, Outputs.stepFolder(root, step.name()));
      }
      ReportPage.writeIndex(root, Outputs.STEPS);
    }
  }

  /**
   * A notebook program's {@code main}.
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface ExampleMain {
    /**
     * Runs the program.
     *
     * @param args its arguments: none, or one folder where it takes one
     * @throws Exception whatever the program throws, reported as for an analysis
     */
    void main(String[] args) throws Exception;
  }

  /**
   * A notebook program that {@code geometry example NAME} runs as it is.
   *
   * @param main the program
   * @param takesFolder whether it takes one FOLDER argument (else none)
   * @param writes the folder it writes into for its arguments (locked against a second writer, as
   *     an analysis's output folder is), or null when it writes nothing
   * @since 0.1
   */
  public record ExampleProgram(
      ExampleMain main, boolean takesFolder, Function<List<String>, Path> writes) {}

  @Command(
      name = "example",
      mixinStandardHelpOptions = true,
      description = {
        "Runs one notebook example on the default dataset and prints the notebook's tables:",
        "pairwise, density-field, frame [FOLDER], density-vs-norm, densest, gpu,"
            + " hf-folder [FOLDER]. Sources: examples/src/main/java/.../examples/notebooks/."
      })
  static final class Example implements Callable<Integer> {
    @CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "the example")
    String name;

    @CommandLine.Parameters(
        index = "1..*",
        paramLabel = "ARG",
        description = "passed to the example (a folder for frame and hf-folder)")
    List<String> args = new ArrayList<>();

    @Option(names = "--debug", description = "print the stack trace of an internal error")
    boolean debug;

    @CommandLine.ParentCommand GeometryCli root;

    /**
     * The folder the example writes into, or null: frame writes into its FOLDER (default
     * out/examples), hf-folder without a folder writes the default model's folder, which it then
     * reads.
     */
    private Path writtenFolder() {
      return root.examples.get(name).writes().apply(args);
    }

    /** Before the example starts: a folder argument only where it takes one, and a real name. */
    private void checkArgs() {
      int max = root.examples.get(name).takesFolder() ? 1 : 0;
      if (args.size() > max) {
        throw new UserInputException(
            "takes " + (max == 0 ? "no arguments" : "at most one folder") + "; got " + args);
      }
      for (String a : args) {
        Options.folder("FOLDER", a);
      }
    }

    @Override
    public Integer call() {
      LIBRARY_LOG.setLevel(java.util.logging.Level.WARNING);
      if (root.examples.isEmpty()) {
        root.err.println(
            "geometry example: the notebook programs are in the examples module, which this class"
                + " path lacks; run them with ./geometry example NAME");
        return EXIT_BAD_INPUT;
      }
      ExampleProgram program = root.examples.get(name);
      if (program == null) {
        root.err.println(
            "geometry example: no example '" + name + "'; there are " + root.examples.keySet());
        return EXIT_BAD_INPUT;
      }
      ExampleMain main = program.main();
      try {
        checkArgs();
        Path writes = writtenFolder();
        if (writes == null) {
          main.main(args.toArray(String[]::new));
        } else {
          // One writer per folder, as for the analyses: a second run fails at once.
          Files.createDirectories(writes);
          try (FolderLock lock = FolderLock.tryTake(writes)) {
            if (lock == null) {
              throw new UserInputException(
                  writes
                      + ": "
                      + RunFolders.holderOf(writes)
                      + " is writing into this folder; wait for it or choose another folder");
            }
            main.main(args.toArray(String[]::new));
          }
        }
        return Failures.OK;
      } catch (Throwable e) {
        String cmd = "geometry example " + name;
        return Failures.report(cmd, e, "the example", Path.of("out", "examples"), debug, root.err);
      }
    }
  }
}
