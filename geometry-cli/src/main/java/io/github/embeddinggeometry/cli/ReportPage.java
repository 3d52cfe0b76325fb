package io.github.embeddinggeometry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.analysis.Verdicts;
import io.github.embeddinggeometry.cli.output.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code index.html}: what a person reads instead of report.json and a folder of PNGs. One page per
 * step, in the notebooks' reading order (title, parameters, verdict, figures with captions, tables,
 * files, the run), made from the report itself so that the two never disagree; {@code all} adds a
 * page in {@code --out} linking the six.
 *
 * <p>The page is self-contained (figures inline as {@code data:} URIs, styles inline, no script,
 * and a Content-Security-Policy that forbids loading anything else) so that it can be mailed or
 * archived alone. It is also well-formed XML (XHTML syntax served as HTML), so a test can parse it
 * strictly: every string from the report, token text above all, goes through {@link #esc}.
 */
final class ReportPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Arrays of numbers longer than this are cut on the page (report.json has them whole). */
  static final int LIST_SHOWN = 40;

  private ReportPage() {}

  /** A step's page title, the notebook it reproduces, and which report keys are its parameters. */
  private record Layout(String title, String notebook, List<String> parameters) {}

  private static final Map<String, Layout> LAYOUTS =
      Map.of(
          "pairwise",
          new Layout("Pairwise distances", "notebook 1.4b", List.of("basis", "box")),
          "density-field",
          new Layout("Density field", "notebook 1.5b", List.of("basis", "box", "colormap")),
          "clusters",
          new Layout(
              "Near-duplicate clusters", "notebooks 1.4g-1.4h", List.of("basis", "box", "eps")),
          "frame",
          new Layout("Cluster reference frame", "notebook 1.6a", List.of("basis", "box", "eps")),
          "density-vs-norm",
          new Layout(
              "Local density vs causal norm",
              "notebook \u201cLocal Density vs Causal Norm\u201d",
              List.of("k", "metric", "ridge", "seed")),
          "densest",
          new Layout(
              "Densest point neighbourhood",
              "notebook \u201cDensest Point Neighborhood\u201d",
              List.of("k", "metric", "ridge", "top")));

  /** Keys shown in the run section at the end, not among the results. */
  private static final Set<String> RUN_KEYS =
      Set.of("command", "model", "rows", "dim", "backend", "version", "elapsed_seconds");

  /** Keys that list the files, shown in the files section. */
  private static final Set<String> FILE_KEYS = Set.of("figures", "files", "page", "checksums");

  /** Keys whose value is a token's decoded text: shown as code, spaces and all. */
  private static final Set<String> TOKEN_KEYS = Set.of("text", "densest_text");

  /**
   * What each figure shows, beyond the title and subtitle drawn in it: a reader of the page has no
   * README at hand.
   */
  private static final Map<String, String> CAPTIONS =
      Map.ofEntries(
          Map.entry(
              "pairwise_distances.png",
              "Histogram of the n(n\u22121)/2 Euclidean distances between the tokens in the box"
                  + " (log counts)."),
          Map.entry(
              "density_field_mollweide.png",
              "Mollweide map (latitude, longitude) of the tokens in the box, coloured by the"
                  + " distance to the nearest neighbour: bright is dense."),
          Map.entry(
              "density_field_polar.png",
              "Radius against longitude (0\u00b0 up, clockwise), coloured by nearest-neighbour"
                  + " distance."),
          Map.entry(
              "density_field_zoom.png",
              "Longitude and latitude close-up of the box, same colours."),
          Map.entry(
              "cluster_nn_distances.png",
              "Nearest-neighbour distances inside the largest cluster and of every other row, eps"
                  + " marked: a gap between the two is the void around the cluster."),
          Map.entry(
              "variance_explained.png",
              "Share of variance of the first 50 principal components of W, and the cumulative"
                  + " share."),
          Map.entry(
              "density_vs_norm.png",
              "k-NN density against causal norm, one point per token (log y)."),
          Map.entry(
              "volumetric_density_vs_norm.png",
              "Logarithm of the volumetric density against causal norm."),
          Map.entry(
              "radial_profile.png",
              "Mean \u00b1 1 std of the density per causal-norm bin, above the tokens per bin."),
          Map.entry(
              "densest_causal_neighbors.png",
              "Causal distance of the densest token's neighbours, by rank."),
          Map.entry(
              "densest_cosine_neighbors.png",
              "Cosine similarity of the densest token's neighbours, by rank."));

  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;"
          + "color:#1a1a1a;background:#fff;line-height:1.45}"
          + "h1{margin-bottom:0.2em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
          + ".sub{color:#555;margin-top:0}"
          + "table{border-collapse:collapse;margin:0.5em 0}"
          + "th,td{border:1px solid #ccc;padding:0.2em 0.6em;text-align:left;vertical-align:top}"
          + "th{background:#f3f3f3;font-weight:600}td.n{text-align:right}"
          + "table table{margin:0}"
          + "figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}"
          + "figcaption{color:#333;margin-top:0.3em}"
          + ".verdict{font-size:1.1em;background:#f5f8ff;border-left:4px solid #3b6fd8;"
          + "padding:0.5em 0.8em}"
          + "code.tok{background:#eef;border:1px solid #ccd;padding:0 0.2em;white-space:pre;"
          + "unicode-bidi:isolate}"
          + ".esc{color:#b00;font-style:italic}.na{color:#888}.more{color:#555}"
          + "code.sum{font-size:0.8em;color:#555}";

  /**
   * Writes the step's page into {@code dir} (whole or not at all), from its report and the figures
   * the report lists, which must be in {@code dir} already.
   */
  static void write(Path dir, JsonNode report) {
    AtomicFiles.write(
        dir.resolve(Outputs.PAGE), step(dir, report).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes the page of {@code geometry all} into {@code root}: a link to each step's page, from the
   * report.json each step wrote under {@code root}.
   */
  static void writeIndex(Path root, List<String> steps) {
    List<JsonNode> reports = new ArrayList<>();
    for (String step : steps) {
      Path p = root.resolve(step).resolve(Outputs.REPORT);
      try {
        reports.add(JSON.readTree(p.toFile()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read back " + p + ": " + e.getMessage(), e);
      }
    }
    AtomicFiles.write(
        root.resolve(Outputs.PAGE), index(steps, reports).getBytes(StandardCharsets.UTF_8));
  }

  /** The page of one step. */
  static String step(Path dir, JsonNode r) {
    String command = r.path("command").asText();
    Layout layout =
        LAYOUTS.getOrDefault(command, new Layout(command, "geometry " + command, List.of()));
    StringBuilder h = new StringBuilder(1 << 16);
    head(h, layout.title() + ": " + r.path("model").asText());
    h.append("<h1>").append(esc(layout.title())).append("</h1>\n");
    h.append("<p class=\"sub\">")
        .append(esc(layout.notebook() + " \u00b7 geometry " + command + " \u00b7 "))
        .append(esc(r.path("model").asText()))
        .append("</p>\n");

    h.append("<h2>Parameters</h2>\n<table>\n");
    row(h, "model", r.get("model"));
    h.append("<tr><th>embedding matrix W</th><td>")
        .append(esc(show(r.get("rows")) + " \u00d7 " + show(r.get("dim"))))
        .append("</td></tr>\n");
    for (String key : layout.parameters()) {
      if (r.has(key)) {
        row(h, key, r.get(key));
      }
    }
    h.append("</table>\n");

    h.append(r.has("verdict") ? "<h2>Verdict</h2>" : "<h2>In short</h2>")
        .append("\n<p class=\"verdict\">")
        .append(esc(summary(r)))
        .append("</p>\n");

    JsonNode figures = r.path("figures");
    if (figures.size() > 0) {
      h.append("<h2>Figures</h2>\n");
      for (JsonNode f : figures) {
        figure(h, dir, f.asText());
      }
    }

    h.append("<h2>Results</h2>\n<table>\n");
    List<String> own = new ArrayList<>();
    for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (RUN_KEYS.contains(key) || FILE_KEYS.contains(key) || layout.parameters().contains(key)) {
        continue;
      }
      if (isTable(r.get(key))) {
        own.add(key);
      } else {
        row(h, key, r.get(key));
      }
    }
    h.append("</table>\n");
    for (String key : own) {
      h.append("<h3>").append(esc(label(key))).append("</h3>\n");
      table(h, r.get(key));
    }

    files(h, r);

    // Not the wall time: two runs of the same analysis write the same page, byte for byte.
    h.append("<h2>Run</h2>\n<table>\n");
    run(h, r);
    h.append("</table>\n");
    return tail(h);
  }

  /** The page of {@code geometry all}: one line per step, linked. */
  static String index(List<String> steps, List<JsonNode> reports) {
    JsonNode first = reports.get(0);
    StringBuilder h = new StringBuilder(1 << 12);
    head(h, "Embedding geometry: " + first.path("model").asText());
    h.append("<h1>Embedding geometry</h1>\n<p class=\"sub\">")
        .append(esc(first.path("model").asText()))
        .append(esc(", " + show(first.get("rows")) + " \u00d7 " + show(first.get("dim"))))
        .append("</p>\n<table>\n<tr><th>step</th><th>notebook</th><th>in short</th></tr>\n");
    for (int i = 0; i < steps.size(); i++) {
      JsonNode r = reports.get(i);
      Layout layout = LAYOUTS.get(r.path("command").asText());
      String title = layout == null ? steps.get(i) : layout.title();
      h.append("<tr><td><a href=\"")
          .append(attr(steps.get(i) + "/" + Outputs.PAGE))
          .append("\">")
          .append(esc(title))
          .append("</a></td><td>")
          .append(esc(layout == null ? "" : layout.notebook()))
          .append("</td><td>")
          .append(esc(summary(r)))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<h2>Run</h2>\n<table>\n");
    run(h, first);
    h.append("</table>\n");
    return tail(h);
  }

  private static void head(StringBuilder h, String title) {
    h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        .append("<meta charset=\"utf-8\" />\n")
        // Nothing but the page itself: inline figures and styles, no script, no network.
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                + " img-src data:; style-src 'unsafe-inline'\" />\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
        .append("<title>")
        .append(attr(title))
        .append("</title>\n<style>")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n");
  }

  private static String tail(StringBuilder h) {
    return h.append("</body>\n</html>\n").toString();
  }

  private static void run(StringBuilder h, JsonNode r) {
    row(h, "library version", r.get("version"));
    row(h, "backend and kernel", r.get("backend"));
  }

  private static void figure(StringBuilder h, Path dir, String name) {
    byte[] png;
    try {
      png = Files.readAllBytes(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back " + dir.resolve(name), e);
    }
    h.append("<figure id=\"").append(attr(name)).append("\">\n<img src=\"data:image/png;base64,");
    h.append(Base64.getEncoder().encodeToString(png)).append('"');
    if (png.length >= 24) {
      // IHDR: width and height, big-endian, at bytes 16 and 20; the page then lays out at once.
      h.append(" width=\"").append(int32(png, 16)).append('"');
      h.append(" height=\"").append(int32(png, 20)).append('"');
    }
    String caption = CAPTIONS.getOrDefault(name, "");
    h.append(" alt=\"").append(attr(caption.isEmpty() ? name : caption)).append("\" />\n");
    h.append("<figcaption>")
        .append(esc(caption))
        .append(caption.isEmpty() ? "" : " ")
        .append("<code class=\"sum\">")
        .append(esc(name))
        .append("</code></figcaption>\n</figure>\n");
  }

  private static long int32(byte[] b, int at) {
    return ((b[at] & 0xffL) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  /** Every file the report lists, with the size and SHA-256 it records; data files linked. */
  private static void files(StringBuilder h, JsonNode r) {
    JsonNode sums = r.path("checksums");
    if (sums.size() == 0) {
      return;
    }
    Set<String> figures = new LinkedHashSet<>();
    r.path("figures").forEach(f -> figures.add(f.asText()));
    h.append("<h2>Files</h2>\n<table>\n<tr><th>file</th><th>bytes</th><th>SHA-256</th></tr>\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = sums.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      h.append("<tr><td><a href=\"")
          .append(attr((figures.contains(name) ? "#" : "") + name))
          .append("\">")
          .append(esc(name))
          .append("</a></td><td class=\"n\">")
          .append(esc(show(e.getValue().get("bytes"))))
          .append("</td><td><code class=\"sum\">")
          .append(esc(e.getValue().path("sha256").asText()))
          .append("</code></td></tr>\n");
    }
    h.append("</table>\n");
  }

  /**
   * True for a value that gets a table of its own: a list of objects (neighbours, eigenvalues) or
   * an object of lists (the radial profile's columns).
   */
  private static boolean isTable(JsonNode v) {
    if (v == null) {
      return false;
    }
    if (v.isArray()) {
      return v.size() > 0 && v.get(0).isObject();
    }
    if (v.isObject() && v.size() > 0) {
      for (JsonNode c : v) {
        if (!c.isArray()) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static void row(StringBuilder h, String key, JsonNode v) {
    h.append("<tr><th>").append(esc(label(key))).append("</th><td>");
    value(h, key, v);
    h.append("</td></tr>\n");
  }

  /** A list of objects as rows, or an object of lists as columns. */
  private static void table(StringBuilder h, JsonNode v) {
    h.append("<table>\n<tr>");
    if (v.isArray()) {
      Set<String> cols = new LinkedHashSet<>();
      for (JsonNode row : v) {
        row.fieldNames().forEachRemaining(cols::add);
      }
      for (String c : cols) {
        h.append("<th>").append(esc(c)).append("</th>");
      }
      h.append("</tr>\n");
      for (JsonNode row : v) {
        h.append("<tr>");
        for (String c : cols) {
          cell(h, c, row.get(c));
        }
        h.append("</tr>\n");
      }
    } else {
      List<String> cols = new ArrayList<>();
      v.fieldNames().forEachRemaining(cols::add);
      int rows = 0;
      for (String c : cols) {
        h.append("<th>").append(esc(c)).append("</th>");
        rows = Math.max(rows, v.get(c).size());
      }
      h.append("</tr>\n");
      for (int i = 0; i < rows; i++) {
        h.append("<tr>");
        for (String c : cols) {
          JsonNode col = v.get(c);
          if (i < col.size()) {
            cell(h, c, col.get(i));
          } else {
            h.append("<td></td>");
          }
        }
        h.append("</tr>\n");
      }
    }
    h.append("</table>\n");
  }

  private static void cell(StringBuilder h, String key, JsonNode v) {
    h.append(v != null && v.isNumber() ? "<td class=\"n\">" : "<td>");
    value(h, key, v);
    h.append("</td>");
  }

  /** One value, inline: scalars as text, an object of scalars as a two-row table. */
  private static void value(StringBuilder h, String key, JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      h.append("<span class=\"na\">n/a</span>");
    } else if (v.isBoolean()) {
      h.append(v.booleanValue() ? "yes" : "no");
    } else if (v.isNumber()) {
      h.append(esc(isId(key) ? v.asText() : number(v)));
    } else if (v.isTextual()) {
      if (TOKEN_KEYS.contains(key)) {
        h.append("<code class=\"tok\">").append(esc(v.textValue())).append("</code>");
      } else {
        h.append(esc(v.textValue()));
      }
    } else if (v.isArray()) {
      int shown = Math.min(v.size(), LIST_SHOWN);
      for (int i = 0; i < shown; i++) {
        h.append(i == 0 ? "" : ", ");
        value(h, key, v.get(i));
      }
      if (v.size() > shown) {
        h.append(" <span class=\"more\">")
            .append(esc(String.format(Locale.ROOT, "\u2026 %,d in all (report.json)", v.size())))
            .append("</span>");
      }
    } else if (v.isObject()) {
      h.append("<table><tr>");
      v.fieldNames().forEachRemaining(c -> h.append("<th>").append(esc(c)).append("</th>"));
      h.append("</tr><tr>");
      v.fields().forEachRemaining(e -> cell(h, e.getKey(), e.getValue()));
      h.append("</tr></table>");
    } else {
      h.append(esc(v.asText()));
    }
  }

  /** Token ids are names, not amounts: no thousands separators. */
  private static boolean isId(String key) {
    return key.equals("id") || key.endsWith("_id") || key.endsWith("_ids");
  }

  /** "exact_zero_pairs" reads "exact zero pairs"; the key itself is in report.json. */
  private static String label(String key) {
    return key.replace('_', ' ');
  }

  /**
   * A number as a person reads it: integers with thousands separators, other values to six
   * significant digits (report.json has every digit).
   */
  static String number(JsonNode v) {
    if (v.isIntegralNumber()) {
      return String.format(Locale.ROOT, "%,d", v.bigIntegerValue());
    }
    double d = v.doubleValue();
    double a = Math.abs(d);
    if (d == 0 || (a >= 1e-4 && a < 1e9)) {
      return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.5e", d);
  }

  /** A number, a text, or "n/a" for null or a missing key. */
  private static String show(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "n/a";
    }
    return v.isNumber() ? number(v) : v.asText();
  }

  /** The step's result in one sentence, with the notebook's verdict where it has one. */
  static String summary(JsonNode r) {
    return switch (r.path("command").asText()) {
      case "pairwise" ->
          sentence(
              r,
              "%s tokens in the box, %s pairs: median distance %s (min %s, max %s), %s pairs at"
                  + " distance exactly 0.",
              "/selected",
              "/pairs",
              "/median",
              "/min",
              "/max",
              "/exact_zero_pairs");
      case "density-field" ->
          sentence(
              r,
              "%s tokens in the box: nearest-neighbour distance median %s (min %s, max %s); %s"
                  + " tokens have an exact duplicate.",
              "/selected",
              "/nn_distance/median",
              "/nn_distance/min",
              "/nn_distance/max",
              "/zero_nn_distance_tokens");
      case "clusters" ->
          sentence(
              r,
              "At eps %s, %s clusters and %s singletons among %s tokens; the largest cluster has %s"
                  + " rows, void %s.",
              "/eps",
              "/clusters",
              "/singletons",
              "/selected",
              "/largest_size",
              "/void");
      case "frame" ->
          sentence(
              r,
              "Origin at the centroid of a %s-row cluster (norm %s); the first 10 PCs explain %s of"
                  + " the variance, the first 100 %s; participation ratio %s.",
              "/cluster_size",
              "/centroid_norm",
              "%/cumulative_variance_10",
              "%/cumulative_variance_100",
              "/participation_ratio");
      case "density-vs-norm" ->
          verdictText(r)
              + sentence(
                  r,
                  ": core/shell density ratio %s over %s tokens (k = %s).",
                  "/core_shell_ratio",
                  "/sample_rows",
                  "/k");
      case "densest" ->
          verdictText(r)
              + sentence(
                  r,
                  ": %s of the densest token's %s nearest causal neighbours (%s) are among its"
                      + " cosine neighbours. Densest token: id %s, \u201c%s\u201d.",
                  "/overlap",
                  "/top",
                  "%/overlap_share",
                  "/densest_token_id",
                  "/densest_text");
      default -> r.path("verdict").asText();
    };
  }

  /**
   * {@code template} filled with the report's values at {@code pointers} (JSON pointers; one
   * starting with {@code %} is a fraction shown as percent).
   */
  private static String sentence(JsonNode r, String template, String... pointers) {
    Object[] args = new Object[pointers.length];
    for (int i = 0; i < pointers.length; i++) {
      boolean percent = pointers[i].startsWith("%");
      JsonNode v = r.at(percent ? pointers[i].substring(1) : pointers[i]);
      if (percent && v.isNumber()) {
        args[i] = String.format(Locale.ROOT, "%.1f%%", 100 * v.doubleValue());
      } else {
        args[i] = isId(pointers[i]) && v.isNumber() ? v.asText() : show(v);
      }
    }
    return String.format(Locale.ROOT, template, args);
  }

  /** The notebook's sentence for the report's {@code verdict}, e.g. "denser_core". */
  private static String verdictText(JsonNode r) {
    String v = r.path("verdict").asText();
    String name = v.toUpperCase(Locale.ROOT);
    try {
      String text =
          r.path("command").asText().equals("densest")
              ? Verdicts.Overlap.valueOf(name).text()
              : Verdicts.CoreShell.valueOf(name).text();
      return capitalise(text);
    } catch (IllegalArgumentException e) {
      return v; // A verdict this page does not know yet: its key is still worth showing.
    }
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * Text for the page: the five characters markup gives meaning to as references, and every
   * character XML 1.0 forbids or a reader cannot see (C0 and C1 controls, DEL, unpaired surrogates,
   * U+FFFE and U+FFFF) as a visible, marked {@code \}{@code uXXXX}: token text is arbitrary, and an
   * escape sequence or a NUL must neither break the page nor hide.
   */
  static String esc(String s) {
    return escape(s, true);
  }

  /** {@link #esc} for an attribute value or the title, where no markup may appear. */
  static String attr(String s) {
    return escape(s, false);
  }

  private static String escape(String s, boolean marked) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || Character.isSurrogate(c)
              || c == 0xfffe
              || c == 0xffff) {
            String code = String.format(Locale.ROOT, "\\u%04X", (int) c);
            b.append(marked ? "<span class=\"esc\">" + code + "</span>" : code);
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
