package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyWriter;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of every subcommand on a generated model folder ({@link TinyModel}): the
 * report's numbers are checked against float64 computations written here, the files by reading them
 * back, and every figure by decoding the PNG.
 */
class GeometryCliTest {
  /** Selects every row: the selection is then known without a PCA. */
  static final String ALL_ROWS = "--box=-90,90,-180,180,0,1e9";

  @TempDir static Path tmp;
  static TinyModel model;
  static Path metric;

  @BeforeAll
  static void writeModel() throws IOException {
    model = new TinyModel(tmp.resolve("tiny"));
    // M = 2 I: causal distance = sqrt(2) x Euclidean, causal norm = sqrt(2) x ||w||.
    double[] m = new double[TinyModel.D * TinyModel.D];
    for (int i = 0; i < TinyModel.D; i++) {
      m[i * TinyModel.D + i] = 2;
    }
    metric = tmp.resolve("M.npy");
    NpyWriter.write(metric, Tensors.of("M", m, TinyModel.D, TinyModel.D));
  }

  record Result(int code, String out, String err) {}

  /**
   * Stand-ins for the examples module's programs (which depend on this module): their names and
   * folder rules, doing nothing, for the checks of {@code example}'s arguments and folder lock.
   */
  static final Map<String, GeometryCli.ExampleProgram> EXAMPLES =
      Map.of(
          "pairwise",
          new GeometryCli.ExampleProgram(a -> {}, false, a -> null),
          "frame",
          new GeometryCli.ExampleProgram(
              a -> {}, true, a -> Path.of(a.isEmpty() ? "out/examples" : a.get(0))),
          "hf-folder",
          new GeometryCli.ExampleProgram(a -> {}, true, a -> null));

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        GeometryCli.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            EXAMPLES,
            args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The last run of {@link #ok}: what it printed. */
  static Result last;

  static JsonNode ok(Path out, String... args) throws IOException {
    Result r = run(args);
    last = r;
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    for (JsonNode f : report.get("figures")) {
      assertPng(out.resolve(f.asText()));
    }
    for (JsonNode f : report.get("files")) {
      assertThat(out.resolve(f.asText())).exists();
    }
    return report;
  }

  /** The PNG decodes and is not blank: many distinct colours. */
  static void assertPng(Path png) throws IOException {
    assertThat(png).exists();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).as(png.toString()).isNotNull();
    assertThat(img.getWidth()).isGreaterThan(400);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as("distinct colours in " + png).isGreaterThan(8);
  }

  static void close(JsonNode actual, double expected) {
    assertThat(actual.isNumber()).as("number expected, got " + actual).isTrue();
    assertThat(actual.asDouble())
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 + 1e-4 * Math.abs(expected)));
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  /** Nearest-neighbour distance of each row, self excluded by index. */
  static double[] nearest() {
    double[] nn = new double[TinyModel.N];
    for (int i = 0; i < TinyModel.N; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < TinyModel.N; j++) {
        if (j != i) {
          best = Math.min(best, model.dist(i, j));
        }
      }
      nn[i] = best;
    }
    return nn;
  }

  @Test
  void pairwiseMatchesDirectDistances() throws IOException {
    Path out = tmp.resolve("pairwise");
    JsonNode r =
        ok(
            out,
            "pairwise",
            "--model",
            model.dir.toString(),
            ALL_ROWS,
            "--out",
            out.toString(),
            "--quiet");
    int n = TinyModel.N;
    double[] d = new double[n * (n - 1) / 2];
    int p = 0;
    long zeros = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        d[p++] = model.dist(i, j);
        sum += d[p - 1];
        zeros += d[p - 1] == 0 ? 1 : 0;
      }
    }
    assertThat(r.get("selected").asInt()).isEqualTo(n);
    assertThat(r.get("pairs").asLong()).isEqualTo(d.length);
    close(r.get("min"), Arrays.stream(d).min().getAsDouble());
    close(r.get("median"), median(d));
    close(r.get("mean"), sum / d.length);
    close(r.get("max"), Arrays.stream(d).max().getAsDouble());
    assertThat(zeros).isEqualTo(21); // 7 bitwise-equal rows
    assertThat(r.get("exact_zero_pairs").asLong()).isEqualTo(zeros);
    try (SafetensorsFile f = SafetensorsFile.open(out.resolve("distances.safetensors"))) {
      assertThat(f.tensor("distances").shape()).containsExactly(n, n);
      float[] m = f.tensor("distances").toFloatArray();
      for (int i = 0; i < n; i += 7) {
        for (int j = 0; j < n; j += 5) {
          assertThat((double) m[i * n + j])
              .isCloseTo(model.dist(i, j), org.assertj.core.data.Offset.offset(1e-5));
        }
      }
      long[] ids = f.tensor("spike_token_ids").toLongArray();
      assertThat(ids).hasSize(n);
      assertThat(ids[n - 1]).isEqualTo(n - 1);
    }
  }

  @Test
  void densityFieldNearestDistances() throws IOException {
    Path out = tmp.resolve("density-field");
    JsonNode r =
        ok(
            out,
            "density-field",
            "--model",
            model.dir.toString(),
            ALL_ROWS,
            "--out",
            out.toString(),
            "--quiet",
            "--colormap",
            "viridis");
    double[] nn = nearest();
    JsonNode s = r.get("nn_distance");
    close(s.get("min"), 0);
    close(s.get("median"), median(nn));
    close(s.get("max"), Arrays.stream(nn).max().getAsDouble());
    close(s.get("mean"), Arrays.stream(nn).average().getAsDouble());
    assertThat(r.get("zero_nn_distance_tokens").asInt()).isEqualTo(7);
    assertThat(r.get("figures")).hasSize(3);
  }

  @Test
  void clustersFindThePlantedCluster() throws IOException {
    Path out = tmp.resolve("clusters");
    double eps = 0.01;
    JsonNode r =
        ok(
            out,
            "clusters",
            "--model",
            model.dir.toString(),
            ALL_ROWS,
            "--eps",
            "0.01",
            "--out",
            out.toString(),
            "--quiet");
    // Independent union-find over float64 distances.
    int n = TinyModel.N;
    int[] parent = new int[n];
    Arrays.setAll(parent, i -> i);
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (model.dist(i, j) <= eps) {
          parent[find(parent, i)] = find(parent, j);
        }
      }
    }
    int[] size = new int[n];
    for (int i = 0; i < n; i++) {
      size[find(parent, i)]++;
    }
    int components = 0;
    int singletons = 0;
    int bestRoot = -1;
    for (int i = 0; i < n; i++) {
      if (size[i] > 0) {
        components++;
        singletons += size[i] == 1 ? 1 : 0;
        if (bestRoot < 0 || size[i] > size[bestRoot]) {
          bestRoot = i;
        }
      }
    }
    List<Integer> largest = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (find(parent, i) == bestRoot) {
        largest.add(i);
      }
    }
    assertThat(largest).hasSize(40).startsWith(TinyModel.CLUSTER_FROM);
    assertThat(r.get("components").asInt()).isEqualTo(components);
    assertThat(r.get("singletons").asInt()).isEqualTo(singletons);
    assertThat(r.get("largest_size").asInt()).isEqualTo(largest.size());
    // Void: nearest outside row minus the largest nearest-neighbour distance inside.
    double outside = Double.POSITIVE_INFINITY;
    double inside = 0;
    for (int i : largest) {
      double nnIn = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        if (largest.contains(j)) {
          nnIn = Math.min(nnIn, model.dist(i, j));
        } else {
          outside = Math.min(outside, model.dist(i, j));
        }
      }
      inside = Math.max(inside, nnIn);
    }
    close(r.get("void"), outside - inside);
    assertThat(r.get("largest_sample").get(0).get("text").asText())
        .isEqualTo(TinyModel.token(TinyModel.CLUSTER_FROM));
    try (SafetensorsFile f = SafetensorsFile.open(out.resolve("cluster_tokens.safetensors"))) {
      assertThat(f.tensor("cluster_token_ids").toLongArray())
          .containsExactly(largest.stream().mapToLong(Integer::longValue).toArray());
    }
  }

  private static int find(int[] p, int i) {
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }

  @Test
  void frameSavesCentroidAndPca() throws IOException {
    Path out = tmp.resolve("frame");
    JsonNode r =
        ok(
            out,
            "frame",
            "--model",
            model.dir.toString(),
            ALL_ROWS,
            "--eps",
            "0.01",
            "--out",
            out.toString(),
            "--quiet");
    int d = TinyModel.D;
    double[] centroid = new double[d];
    for (int i = TinyModel.CLUSTER_FROM; i <= TinyModel.CLUSTER_TO; i++) {
      for (int j = 0; j < d; j++) {
        centroid[j] += model.w[i][j] / 40;
      }
    }
    double[][] c = covariance();
    double trace = 0;
    for (int j = 0; j < d; j++) {
      trace += c[j][j];
    }
    assertThat(r.get("cluster_size").asInt()).isEqualTo(40);
    close(r.get("centroid_norm"), Math.sqrt(Arrays.stream(centroid).map(x -> x * x).sum()));
    assertThat(r.get("verified").asBoolean()).isTrue();
    try (SafetensorsFile f =
        SafetensorsFile.open(out.resolve("cluster_reference_frame.safetensors"))) {
      float[] cen = f.tensor("cluster_centroid").toFloatArray();
      for (int j = 0; j < d; j++) {
        assertThat((double) cen[j])
            .isCloseTo(centroid[j], org.assertj.core.data.Offset.offset(1e-6));
      }
      float[] values = f.tensor("W_eigenvalues").toFloatArray();
      float[] vectors = f.tensor("W_eigenvectors").toFloatArray();
      double sum = 0;
      for (float v : values) {
        sum += v;
      }
      assertThat(sum).isCloseTo(trace, org.assertj.core.data.Offset.offset(1e-4 * trace));
      assertThat((double) values[0])
          .isCloseTo(powerIteration(c), org.assertj.core.data.Offset.offset(1e-4 * values[0]));
      close(r.get("top_eigenvalues").get(0).get("eigenvalue"), values[0]);
      for (int col = 0; col < d; col++) {
        double norm = 0;
        int arg = 0;
        for (int i = 0; i < d; i++) {
          double v = vectors[i * d + col];
          norm += v * v;
          if (Math.abs(v) > Math.abs(vectors[arg * d + col])) {
            arg = i;
          }
        }
        assertThat(norm).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(vectors[arg * d + col]).as("sign convention, PC %d", col + 1).isPositive();
      }
    }
  }

  static double[][] covariance() {
    int n = TinyModel.N;
    int d = TinyModel.D;
    double[] mu = new double[d];
    for (double[] row : model.w) {
      for (int j = 0; j < d; j++) {
        mu[j] += row[j] / n;
      }
    }
    double[][] c = new double[d][d];
    for (double[] row : model.w) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          c[a][b] += (row[a] - mu[a]) * (row[b] - mu[b]) / n;
        }
      }
    }
    return c;
  }

  static double powerIteration(double[][] c) {
    int d = c.length;
    double[] v = new double[d];
    Arrays.fill(v, 1);
    double lambda = 0;
    for (int it = 0; it < 5000; it++) {
      double[] w = new double[d];
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          w[a] += c[a][b] * v[b];
        }
      }
      double norm = Math.sqrt(Arrays.stream(w).map(x -> x * x).sum());
      lambda = norm / Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
      for (int a = 0; a < d; a++) {
        v[a] = w[a] / norm;
      }
    }
    return lambda;
  }

  /** Mean causal (sqrt 2 x Euclidean) distance to the k nearest rows, self excluded by index. */
  static double[] meanKnn(int k) {
    double[] r = new double[TinyModel.N];
    for (int i = 0; i < TinyModel.N; i++) {
      double[] d = new double[TinyModel.N - 1];
      int p = 0;
      for (int j = 0; j < TinyModel.N; j++) {
        if (j != i) {
          d[p++] = Math.sqrt(2) * model.dist(i, j);
        }
      }
      Arrays.sort(d);
      double s = 0;
      for (int t = 0; t < k; t++) {
        s += d[t];
      }
      r[i] = s / k;
    }
    return r;
  }

  static double percentile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = (s.length - 1) * q / 100;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }

  @Test
  void densityVsNormAgainstDirectKnn() throws IOException {
    Path out = tmp.resolve("density-vs-norm");
    JsonNode r =
        ok(
            out,
            "density-vs-norm",
            "--model",
            model.dir.toString(),
            "--metric",
            metric.toString(),
            "--k",
            "5",
            "--bins",
            "6",
            "--out",
            out.toString(),
            "--quiet");
    int n = TinyModel.N;
    double[] mean = meanKnn(5);
    double[] rho = new double[n];
    double[] norm = new double[n];
    for (int i = 0; i < n; i++) {
      rho[i] = mean[i] == 0 ? Double.POSITIVE_INFINITY : 1 / mean[i];
      norm[i] = Math.sqrt(2 * Arrays.stream(model.w[i]).map(x -> x * x).sum());
    }
    double[] finite = Arrays.stream(rho).filter(Double::isFinite).toArray();
    assertThat(r.get("density").get("infinite").asInt()).isEqualTo(7);
    assertThat(r.get("density").get("finite").asInt()).isEqualTo(n - 7);
    close(r.get("density").get("max"), Arrays.stream(finite).max().getAsDouble());
    close(r.get("density").get("mean"), Arrays.stream(finite).average().getAsDouble());
    close(r.get("causal_norm").get("min"), Arrays.stream(norm).min().getAsDouble());
    close(r.get("causal_norm").get("max"), Arrays.stream(norm).max().getAsDouble());
    // Core / shell by numpy-style percentiles, means over finite densities.
    double p10 = percentile(norm, 10);
    double p40 = percentile(norm, 40);
    double p60 = percentile(norm, 60);
    double core = regionMean(norm, rho, Double.NEGATIVE_INFINITY, p10);
    double shell = regionMean(norm, rho, p40, p60);
    close(r.get("percentiles").get("p10"), p10);
    close(r.get("core_shell_ratio"), core / shell);
    // Radial profile counts: 6 equal-width bins, last one closed.
    double lo = Arrays.stream(norm).min().getAsDouble();
    double hi = Arrays.stream(norm).max().getAsDouble();
    int[] counts = new int[6];
    for (double v : norm) {
      int b = (int) Math.floor((v - lo) / (hi - lo) * 6);
      counts[Math.min(Math.max(b, 0), 5)]++;
    }
    JsonNode got = r.get("radial_profile").get("counts");
    int total = 0;
    for (int b = 0; b < 6; b++) {
      total += got.get(b).asInt();
      assertThat(Math.abs(got.get(b).asInt() - counts[b])).as("bin %d", b).isLessThanOrEqualTo(1);
    }
    assertThat(total).isEqualTo(n);
    // Default D_eff: the participation ratio, rounded half-up.
    double[][] c = covariance();
    double tr = 0;
    double fro = 0;
    for (int a = 0; a < c.length; a++) {
      tr += c[a][a];
      for (int b = 0; b < c.length; b++) {
        fro += c[a][b] * c[a][b];
      }
    }
    assertThat(r.get("d_eff").asInt()).isEqualTo((int) Math.floor(tr * tr / fro + 0.5));
    assertThat(r.get("figures")).hasSize(3);
  }

  private static double regionMean(double[] norm, double[] rho, double lo, double hi) {
    double s = 0;
    int c = 0;
    for (int i = 0; i < norm.length; i++) {
      if (norm[i] > lo && norm[i] < hi && Double.isFinite(rho[i])) {
        s += rho[i];
        c++;
      }
    }
    return s / c;
  }

  @Test
  void densestIsTheDuplicateGroup() throws IOException {
    Path out = tmp.resolve("densest");
    JsonNode r =
        ok(
            out,
            "densest",
            "--model",
            model.dir.toString(),
            "--metric",
            metric.toString(),
            "--k",
            "5",
            "--top",
            "10",
            "--out",
            out.toString());
    int n = TinyModel.N;
    assertThat(r.get("densest_token_id").asInt()).isEqualTo(TinyModel.DUP_OF);
    // Token text: reports keep the exact decoded strings (the duplicates of DUP_OF are its
    // nearest neighbours); the terminal shows a blank token quoted and never receives a control
    // character.
    List<String> texts = new ArrayList<>();
    r.get("causal_neighbors").forEach(c -> texts.add(c.get("text").asText()));
    assertThat(texts).contains(" ", "\u001b[2J");
    assertThat(last.out()).contains("' '", "\\x1b[2J").doesNotContain("\u001b");
    assertThat(r.get("densest_text").asText()).isEqualTo(TinyModel.token(TinyModel.DUP_OF));
    assertThat(r.get("density").isNull()).isTrue();
    assertThat(r.get("density_infinite_duplicate").asBoolean()).isTrue();
    close(r.get("mean_knn_distance"), 0);
    // Causal neighbours: sort by (sqrt 2 x distance, id), self excluded.
    int q = TinyModel.DUP_OF;
    Integer[] byDist = new Integer[n];
    Integer[] byCos = new Integer[n];
    double[] cos = new double[n];
    double qn = Math.sqrt(Arrays.stream(model.w[q]).map(x -> x * x).sum());
    for (int j = 0; j < n; j++) {
      byDist[j] = j;
      byCos[j] = j;
      double dot = 0;
      for (int t = 0; t < TinyModel.D; t++) {
        dot += model.w[q][t] * model.w[j][t];
      }
      cos[j] = dot / (qn * Math.sqrt(Arrays.stream(model.w[j]).map(x -> x * x).sum()));
    }
    Arrays.sort(
        byDist,
        (a, b) ->
            a.equals(b)
                ? 0
                : model.dist(q, a) != model.dist(q, b)
                    ? Double.compare(model.dist(q, a), model.dist(q, b))
                    : Integer.compare(a, b));
    Arrays.sort(
        byCos, (a, b) -> cos[a] != cos[b] ? Double.compare(cos[b], cos[a]) : Integer.compare(a, b));
    List<Integer> causal = new ArrayList<>();
    List<Integer> cosine = new ArrayList<>();
    for (int j = 0; causal.size() < 10; j++) {
      if (byDist[j] != q) {
        causal.add(byDist[j]);
      }
    }
    for (int j = 0; cosine.size() < 10; j++) {
      if (byCos[j] != q) {
        cosine.add(byCos[j]);
      }
    }
    for (int i = 0; i < 10; i++) {
      JsonNode c = r.get("causal_neighbors").get(i);
      assertThat(c.get("id").asInt()).as("causal rank %d", i + 1).isEqualTo(causal.get(i));
      close(c.get("distance"), Math.sqrt(2) * model.dist(q, causal.get(i)));
      assertThat(c.get("text").asText()).isEqualTo(TinyModel.token(causal.get(i)));
      JsonNode s = r.get("cosine_neighbors").get(i);
      assertThat(s.get("id").asInt()).as("cosine rank %d", i + 1).isEqualTo(cosine.get(i));
      close(s.get("similarity"), Math.min(1, cos[cosine.get(i)]));
    }
    Set<Integer> both = new HashSet<>(causal);
    both.retainAll(cosine);
    assertThat(r.get("overlap").asInt()).isEqualTo(both.size());
    close(r.get("overlap_share"), both.size() / 10.0);
  }

  @Test
  void allRunsEverySubcommandIntoItsFolder() throws IOException {
    Path out = tmp.resolve("all");
    Result r =
        run(
            "all",
            "--model",
            model.dir.toString(),
            ALL_ROWS,
            "--eps",
            "0.01",
            "--metric",
            metric.toString(),
            "--k",
            "5",
            "--top",
            "10",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    for (String sub :
        new String[] {
          "pairwise", "density-field", "clusters", "frame", "density-vs-norm", "densest"
        }) {
      assertThat(out.resolve(sub).resolve("report.json")).exists();
    }
    assertThat(r.out()).contains("pairwise:", "densest:", "figures and report.json in");
    ObjectMapper json = new ObjectMapper();
    assertThat(
            json.readTree(out.resolve("clusters/report.json").toFile()).get("largest_size").asInt())
        .isEqualTo(40);
    assertThat(json.readTree(out.resolve("frame/report.json").toFile()).get("cluster_size").asInt())
        .isEqualTo(40);
    assertThat(
            json.readTree(out.resolve("densest/report.json").toFile())
                .get("densest_token_id")
                .asInt())
        .isEqualTo(TinyModel.DUP_OF);
  }

  // ---- bad input: exit 2 with one line on stderr ---------------------------------------------

  static void badInput(String expected, String... args) {
    Result r = run(args);
    assertThat(r.code()).as("stdout %s stderr %s", r.out(), r.err()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains(expected);
  }

  @Test
  void badModelPath() {
    badInput("no such file", "pairwise", "--model", tmp.resolve("nope").toString(), "--quiet");
  }

  @Test
  void missingTensor() {
    badInput(
        "no tensor 'nope'",
        "pairwise",
        "--model",
        model.dir.resolve("model.safetensors") + ":nope",
        "--quiet");
  }

  /** Also: the step removed the folder's old report.json first, so it cannot pass for a result. */
  @Test
  void boxSelectingNothing() throws IOException {
    Path out = java.nio.file.Files.createDirectories(tmp.resolve("empty"));
    java.nio.file.Files.writeString(out.resolve("report.json"), "{\"command\":\"pairwise\"}");
    badInput(
        "selects 0 rows",
        "pairwise",
        "--model",
        model.dir.toString(),
        "--box=89,90,179,180,1e8,1e9",
        "--out",
        out.toString(),
        "--quiet");
    assertThat(out.resolve("report.json")).doesNotExist();
  }

  @Test
  void malformedArguments() {
    badInput(
        "--box needs 6", "clusters", "--model", model.dir.toString(), "--box", "1,2", "--quiet");
    badInput("--k must be", "densest", "--model", model.dir.toString(), "--k", "0", "--quiet");
    // Sizes are bounded before anything is loaded or allocated.
    badInput(
        "--bins must be in 1..10,000; got 2,000,000,000",
        "density-vs-norm",
        "--bins",
        "2000000000");
    badInput("--top must be in 1..10,000", "densest", "--top", "0");
    badInput("--k must be in 1..10,000", "all", "--k", "99999");
    badInput("Unknown option", "frame", "--bogus");
    String out = tmp.resolve("malformed").toString();
    badInput(
        "PC index 99",
        "pairwise",
        "--model",
        model.dir.toString(),
        "--north",
        "99",
        "--out",
        out,
        "--quiet");
    badInput(
        "--metric",
        "densest",
        "--model",
        model.dir.toString(),
        "--metric",
        tmp.resolve("missing.pt").toString(),
        "--out",
        out,
        "--quiet");
  }
}
