package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.RowSample;
import io.github.embeddinggeometry.analysis.NearDuplicateClusters;
import io.github.embeddinggeometry.backend.Backends;
import io.github.embeddinggeometry.backend.ComputeBackend;
import io.github.embeddinggeometry.density.DensityField;
import io.github.embeddinggeometry.density.KnnDensity;
import io.github.embeddinggeometry.frame.BoundingBox;
import io.github.embeddinggeometry.frame.BoxSelection;
import io.github.embeddinggeometry.frame.Pca;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.metric.CausalMetric;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One loaded model and everything derived from it that more than one command needs (covariance,
 * PCA, the causal metric, k-NN fields), computed once: {@code geometry all} runs the six commands
 * on one session.
 */
final class Session implements AutoCloseable {
  private final ModelLoader.Model model;
  private final Console console;
  private final ComputeBackend backend;
  private Covariance covariance;
  private PcaResult pca;
  private final Map<String, CausalMetric> metrics = new HashMap<>();
  private final Map<String, DensityField> fields = new HashMap<>();
  private final Map<String, DistanceKernel> kernels = new HashMap<>();
  private final Map<String, NearDuplicateClusters> clusters = new HashMap<>();
  private final Map<String, BoxSelection> selections = new HashMap<>();

  /** Where the heavy steps run: {@code null} for this machine, else a Spark master. */
  private final String sparkMaster;

  /**
   * @param logDir where Spark's own warnings go ({@value #SPARK_LOG}), the output folder: the
   *     terminal shows only the command's one line per failure
   */
  Session(ModelLoader.Model model, Console console, String sparkMaster, java.nio.file.Path logDir) {
    this.model = model;
    this.console = console;
    this.sparkMaster = sparkMaster;
    this.backend = sparkMaster == null ? Backends.get() : spark(sparkMaster, logDir);
  }

  /** Spark's log file in the output folder. */
  static final String SPARK_LOG = "spark.log";

  /** The {@code --spark} option of a subcommand that has it, else null. */
  static String sparkMaster(picocli.CommandLine.Model.CommandSpec spec) {
    picocli.CommandLine.Model.OptionSpec o = spec.findOption("--spark");
    return o == null ? null : o.getValue();
  }

  /**
   * The backend "spark" of geometry-spark (on the class path only when ./geometry put it there).
   */
  private static ComputeBackend spark(String master, java.nio.file.Path logDir) {
    System.setProperty("spark.master", master);
    // Read by geometry-spark when it starts the context (SparkLogs).
    System.setProperty(
        "spark.embgeo.log", logDir == null ? "" : logDir.resolve(SPARK_LOG).toString());
    try {
      return Backends.create("spark");
    } catch (UnsupportedOperationException e) {
      throw new UserInputException(
          "--spark " + master + ": " + e.getMessage() + " (run through ./geometry)", e);
    }
  }

  ModelLoader.Model model() {
    return model;
  }

  EmbeddingMatrix w() {
    return model.matrix();
  }

  Console console() {
    return console;
  }

  ComputeBackend backend() {
    return backend;
  }

  /** Token text for the terminal: escaped, and quoted when blank (the notebooks' repr()). */
  String text(int id) {
    return TokenText.display(model.rawText(id));
  }

  /** Token text for reports: the exact decoded string, null without a tokenizer. */
  String rawText(int id) {
    return model.rawText(id);
  }

  /** The biased covariance of W, once. */
  Covariance covariance() {
    if (covariance == null) {
      long t0 = System.nanoTime();
      covariance = backend.covariance(w(), console);
      console.finishBars();
      console.line(
          String.format(
              Locale.ROOT,
              "covariance: %,d x %,d from %,d rows (%s)",
              w().dim(),
              w().dim(),
              w().rows(),
              seconds(t0)));
    }
    return covariance;
  }

  /** The full PCA of W (all d PCs), once. */
  PcaResult pca() {
    if (pca == null) {
      Covariance c = covariance();
      long t0 = System.nanoTime();
      pca = Pca.fit(c, console);
      console.finishBars();
      console.line(
          String.format(
              Locale.ROOT,
              "PCA: %d PCs, PC1 %.2f%% of variance, participation ratio %.1f (%s)",
              pca.components(),
              100 * pca.varianceExplained(0),
              pca.participationRatio(),
              seconds(t0)));
    }
    return pca;
  }

  /** The rows inside the box in the given basis, once per basis and box. */
  BoxSelection select(Options.BasisOptions b, BoundingBox box) {
    String key = b.north + "/" + b.meridian + "/" + b.equinox + "/" + BoxSelection.text(box);
    BoxSelection sel = selections.get(key);
    if (sel == null) {
      try {
        sel = BoxSelection.of(w(), pca().frame(), b.north, b.meridian, b.equinox, box);
      } catch (IllegalArgumentException e) {
        throw new UserInputException(e.getMessage(), e);
      }
      selections.put(key, sel);
    }
    return sel;
  }

  /** Near-duplicate components, once per parameter set (clusters and frame share them). */
  NearDuplicateClusters clusters(String key, Supplier<NearDuplicateClusters> find) {
    NearDuplicateClusters c = clusters.get(key);
    if (c == null) {
      c = find.get();
      clusters.put(key, c);
    }
    return c;
  }

  /** Puts a kernel in the session's cache under {@code key} (tests: a kernel that counts work). */
  void useKernel(String key, DistanceKernel kernel) {
    kernels.put(key, kernel);
  }

  /** A kernel per metric name, closed with the session. */
  DistanceKernel kernel(String key, MetricSpace metric) {
    return kernels.computeIfAbsent(key, k -> backend.distanceKernel(metric));
  }

  /** The causal metric: "inverse-covariance" (with ridge) or a tensor file. */
  CausalMetric metric(String spec, double ridge) {
    String key = spec + "@" + ridge;
    CausalMetric m = metrics.get(key);
    if (m == null) {
      long t0 = System.nanoTime();
      if (spec.equals("inverse-covariance")) {
        try {
          m = CausalMetric.inverseOf(covariance(), ridge, console);
        } catch (IllegalArgumentException e) {
          throw new UserInputException("--metric inverse-covariance: " + e.getMessage(), e);
        }
      } else {
        m = ModelLoader.readMetric(spec, w().dim());
      }
      console.finishBars();
      console.line(
          String.format(
              Locale.ROOT, "causal metric: %s, d = %d (%s)", spec, w().dim(), seconds(t0)));
      metrics.put(key, m);
    }
    return m;
  }

  /**
   * The rows the causal k-NN analyses run on: all of W when it has at most {@code sample} rows,
   * else a seeded uniform sample without replacement (ids ascending).
   */
  EmbeddingMatrix sample(int sample, long seed) {
    return RowSample.of(w(), sample, seed);
  }

  /** The k-NN density field of {@code rows} in the causal metric, once per parameter set. */
  DensityField causalField(String metricSpec, double ridge, int k, int sample, long seed) {
    String key = metricSpec + "@" + ridge + "/k" + k + "/s" + sample + "/" + seed;
    DensityField f = fields.get(key);
    if (f == null) {
      CausalMetric m = metric(metricSpec, ridge);
      EmbeddingMatrix rows = sample(sample, seed);
      if (k < 1 || k >= rows.rows()) {
        throw new UserInputException(
            "--k must be in 1.." + (rows.rows() - 1) + " for " + rows.rows() + " rows; got " + k);
      }
      long t0 = System.nanoTime();
      DistanceKernel kernel = kernel("causal:" + metricSpec + "@" + ridge, MetricSpace.causal(m));
      f = KnnDensity.of(k, kernel).estimate(rows, console);
      console.finishBars();
      console.line(
          String.format(
              Locale.ROOT,
              "k-NN density: k = %d, %,d rows, causal metric, %d infinite (%s)",
              k,
              rows.rows(),
              f.duplicateCount(),
              seconds(t0)));
      fields.put(key, f);
    }
    return f;
  }

  static String seconds(long t0) {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9);
  }

  @Override
  public void close() {
    for (DistanceKernel k : kernels.values()) {
      k.close();
    }
    kernels.clear();
    if (sparkMaster != null) {
      backend.close();
    }
  }
}
