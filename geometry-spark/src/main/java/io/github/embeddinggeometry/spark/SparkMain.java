package io.github.embeddinggeometry.spark;

import io.github.embeddinggeometry.analysis.DensestPoint;
import io.github.embeddinggeometry.analysis.DistanceStatistics;
import io.github.embeddinggeometry.frame.PcaResult;
import io.github.embeddinggeometry.metric.MetricSpace;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The {@code geometry-spark} command, for {@code spark-submit} (README "Running on a cluster"):
 *
 * <pre>
 * plan N d k EXECUTORS CORES [--executor-memory 16g] [--blocks B] [--bytes 4] [--rate GMADDS]
 *     [--bandwidth GBPS]          what the k-NN will cost; runs nothing on a cluster
 * knn INPUT OUT [--k 20] [--metric euclidean|cosine|inverse-covariance] [--ridge R] [--blocks B]
 *                                 per-block safetensors in OUT (ids, neighbour_ids, distances, density)
 * densest INPUT [--k 20] [--top 30] [--metric ...] [--blocks B]
 * pairwise INPUT [--blocks B]     count, min, exact median, mean, max, exact zeros
 * pca INPUT [--blocks B]          mean, covariance and PCA: the leading eigenvalues
 * </pre>
 *
 * INPUT is {@code FILE.safetensors[:TENSOR]}, {@code FILE.npy} or a model folder, as a path every
 * executor sees or a Hadoop URI. Results print as one JSON object on standard output. Exit codes: 0
 * success, 2 bad arguments or input (one line on standard error).
 *
 * @since 0.1
 */
public final class SparkMain {
  private SparkMain() {}

  /**
   * Runs a command and exits the JVM with its code.
   *
   * @param args the command and its arguments, as in the class description
   */
  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /**
   * Runs a command in-process, without exiting (for tests and embedding). Bad arguments or input
   * print one line on {@code err} instead of throwing; any other failure propagates.
   *
   * @param out receives the result: the plan's table, or one JSON object
   * @param err receives the usage or the one-line error message
   * @param args the command and its arguments, as in the class description. Not modified.
   * @return 0 on success, 2 for a missing command, {@code --help}, bad arguments or bad input
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      err.println(
          "usage: geometry-spark plan N d k EXECUTORS CORES [options] | knn INPUT OUT [options] |"
              + " densest INPUT [options] | pairwise INPUT [options] | pca INPUT [options]");
      return 2;
    }
    try {
      Args a = new Args(Arrays.copyOfRange(args, 1, args.length));
      switch (args[0]) {
        case "plan":
          return plan(out, a);
        case "knn":
        case "densest":
        case "pairwise":
        case "pca":
          return analysis(args[0], out, a);
        default:
          throw new IllegalArgumentException("unknown command '" + args[0] + "'");
      }
    } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
      err.println(
          "geometry-spark: error: "
              + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "));
      return 2;
    }
  }

  private static int plan(PrintStream out, Args a) {
    a.positional(5, "plan N d k EXECUTORS CORES");
    long n = Long.parseLong(a.pos.get(0));
    int d = Integer.parseInt(a.pos.get(1));
    int k = Integer.parseInt(a.pos.get(2));
    int executors = Integer.parseInt(a.pos.get(3));
    int cores = Integer.parseInt(a.pos.get(4));
    long mem = new SparkConf().set("m", a.get("executor-memory", "16g")).getSizeAsBytes("m");
    double rate =
        a.has("rate") ? Double.parseDouble(a.get("rate", "")) * 1e9 : Planner.measureRate(d, k);
    Planner.Plan p =
        Planner.knn(
            n,
            d,
            k,
            executors,
            cores,
            Integer.parseInt(a.get("blocks", "0")),
            mem,
            Integer.parseInt(a.get("bytes", "4")),
            rate,
            Double.parseDouble(a.get("bandwidth", "1")) * 1e9);
    out.print(Planner.render(p));
    return 0;
  }

  private static int analysis(String cmd, PrintStream out, Args a) throws java.io.IOException {
    a.positional(cmd.equals("knn") ? 2 : 1, cmd + " INPUT" + (cmd.equals("knn") ? " OUT" : ""));
    try (SparkContexts.Opened opened = SparkContexts.open("geometry-spark " + cmd)) {
      JavaSparkContext sc = opened.sc();
      SparkConf conf = sc.getConf();
      SparkAnalyses spark = SparkAnalyses.on(sc);
      String input = a.pos.get(0);
      int k = Integer.parseInt(a.get("k", "20"));
      int blocks = Integer.parseInt(a.get("blocks", "0"));
      RowBlocks probe = spark.read(input, 1);
      int b =
          blocks > 0
              ? blocks
              : Planner.chooseBlocks(
                  probe.rows(),
                  probe.dim(),
                  k,
                  Math.max(1, sc.defaultParallelism()),
                  conf.getInt("spark.executor.cores", 1),
                  Planner.executorMemory(conf));
      RowBlocks m = spark.read(input, b);
      Map<String, Object> json = new java.util.LinkedHashMap<>();
      json.put("command", cmd);
      json.put("input", input);
      json.put("rows", m.rows());
      json.put("dim", m.dim());
      json.put("blocks", m.blocks());
      long t0 = System.nanoTime();
      switch (cmd) {
        case "knn":
          {
            MetricSpace metric = metric(spark, m.cache(), a);
            JavaRDD<NeighbourBlock> knn = spark.nearest(m, metric, k);
            spark.writeNeighbours(knn, a.pos.get(1));
            json.put("k", k);
            json.put("metric", metric.name());
            json.put("output", a.pos.get(1));
            break;
          }
        case "densest":
          {
            MetricSpace metric = metric(spark, m.cache(), a);
            JavaRDD<NeighbourBlock> knn = spark.nearest(m, metric, k);
            DensestPoint dp = spark.densest(m, knn, metric, Integer.parseInt(a.get("top", "30")));
            json.put("k", k);
            json.put("metric", metric.name());
            json.put("densest_token_id", dp.id());
            json.put("density", Double.isInfinite(dp.density()) ? null : dp.density());
            json.put("density_infinite_duplicate", Double.isInfinite(dp.density()));
            json.put("mean_knn_distance", dp.meanDistance());
            json.put("neighbor_ids", dp.metricIds());
            json.put("neighbor_distances", dp.metricDistances());
            json.put("cosine_ids", dp.cosineIds());
            json.put("overlap", dp.overlap());
            break;
          }
        case "pairwise":
          {
            DistanceStatistics s = spark.pairwiseStatistics(m, MetricSpace.euclidean());
            json.put("pairs", s.count());
            json.put("min", s.min());
            json.put("median", s.median());
            json.put("mean", s.mean());
            json.put("max", s.max());
            json.put("exact_zero_pairs", s.exactZeroPairs());
            break;
          }
        default:
          {
            PcaResult p = spark.pca(m);
            json.put("participation_ratio", p.participationRatio());
            json.put(
                "top_eigenvalues",
                Arrays.copyOf(p.eigenvalues(), Math.min(10, p.eigenvalues().length)));
            break;
          }
      }
      json.put("elapsed_seconds", (System.nanoTime() - t0) / 1e9);
      out.println(toJson(json));
    }
    return 0;
  }

  private static MetricSpace metric(SparkAnalyses spark, RowBlocks m, Args a) {
    String name = a.get("metric", "euclidean");
    switch (name) {
      case "euclidean":
        return MetricSpace.euclidean();
      case "cosine":
        return MetricSpace.cosine();
      case "inverse-covariance":
        return MetricSpace.causal(
            spark.inverseCovariance(m, Double.parseDouble(a.get("ridge", "0"))));
      default:
        throw new IllegalArgumentException(
            "--metric must be euclidean, cosine or inverse-covariance; got " + name);
    }
  }

  static String toJson(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add(toJson(String.valueOf(k)) + ": " + toJson(x)));
      return "{" + String.join(", ", parts) + "}";
    }
    if (v instanceof String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    if (v instanceof Double x) {
      return Double.isFinite(x) ? Double.toString(x) : "null";
    }
    if (v instanceof double[] a) {
      return toJson(Arrays.stream(a).boxed().toList());
    }
    if (v instanceof float[] a) {
      List<Object> l = new ArrayList<>();
      for (float f : a) {
        l.add((double) f);
      }
      return toJson(l);
    }
    if (v instanceof int[] a) {
      return toJson(Arrays.stream(a).boxed().toList());
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(x -> parts.add(toJson(x)));
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(v);
  }

  /** Positional arguments and {@code --name value} options. */
  private static final class Args {
    final List<String> pos = new ArrayList<>();
    final Map<String, String> opt = new HashMap<>();

    Args(String[] args) {
      for (int i = 0; i < args.length; i++) {
        if (args[i].startsWith("--")) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
          }
          opt.put(args[i].substring(2).toLowerCase(Locale.ROOT), args[++i]);
        } else {
          pos.add(args[i]);
        }
      }
    }

    void positional(int n, String usage) {
      if (pos.size() != n) {
        throw new IllegalArgumentException("usage: geometry-spark " + usage + " [options]");
      }
    }

    boolean has(String name) {
      return opt.containsKey(name);
    }

    String get(String name, String dflt) {
      return opt.getOrDefault(name, dflt);
    }
  }
}
