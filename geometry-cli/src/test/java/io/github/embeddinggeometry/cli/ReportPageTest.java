package io.github.embeddinggeometry.cli;

import static io.github.embeddinggeometry.cli.GeometryCliTest.ALL_ROWS;
import static io.github.embeddinggeometry.cli.GeometryCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * index.html, the page beside every report: parsed strictly as XML (so a stray {@code <} or a
 * control character in token text fails), every figure of the folder inline byte for byte, nothing
 * loaded from elsewhere, token text escaped, and whole or not at all like every other output.
 */
class ReportPageTest {
  static final String XHTML = "http://www.w3.org/1999/xhtml";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static TinyModel model;

  /** A complete {@code geometry all} run on the tiny model. */
  static Path all;

  @BeforeAll
  static void runAll() throws IOException {
    model = new TinyModel(tmp.resolve("tiny"));
    all = tmp.resolve("all");
    GeometryCliTest.Result r = OutputFoldersTest.all(model, all);
    assertThat(r.code()).as(r.err()).isZero();
  }

  /** The page as a DOM; any error of well-formedness fails the test. */
  static Document parse(byte[] page) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(
        new ErrorHandler() {
          @Override
          public void warning(SAXParseException e) throws SAXParseException {
            throw e;
          }

          @Override
          public void error(SAXParseException e) throws SAXParseException {
            throw e;
          }

          @Override
          public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
          }
        });
    return b.parse(new ByteArrayInputStream(page));
  }

  static List<Element> elements(Document d, String tag) {
    NodeList nl = d.getElementsByTagNameNS(XHTML, tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nl.getLength(); i++) {
      out.add((Element) nl.item(i));
    }
    return out;
  }

  /** The text of the {@code <code class="tok">} elements, in document order. */
  static List<String> tokens(Document d) {
    List<String> out = new ArrayList<>();
    for (Element e : elements(d, "code")) {
      if (e.getAttribute("class").equals("tok")) {
        out.add(e.getTextContent());
      }
    }
    return out;
  }

  /** Nothing in the page may make a browser fetch or run anything. */
  static void selfContained(Document d) {
    assertThat(elements(d, "script")).isEmpty();
    assertThat(elements(d, "link")).isEmpty();
    assertThat(elements(d, "iframe")).isEmpty();
    assertThat(elements(d, "object")).isEmpty();
    for (Element img : elements(d, "img")) {
      assertThat(img.getAttribute("src")).startsWith("data:image/png;base64,");
    }
    for (Element a : elements(d, "a")) {
      assertThat(a.getAttribute("href")).doesNotContain(":").doesNotStartWith("/");
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void everyStepsPageHoldsEveryFigureOfItsFolder() throws Exception {
    for (String step : Outputs.STEPS) {
      Path dir = all.resolve(step);
      byte[] page = Files.readAllBytes(dir.resolve(Outputs.PAGE));
      Document d = parse(page);
      selfContained(d);
      // The figures are what is in the folder, not what the report says: each PNG once, inline.
      List<byte[]> pngs = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
          pngs.add(Files.readAllBytes(p));
        }
      }
      assertThat(pngs).as(step).isNotEmpty();
      List<Element> imgs = elements(d, "img");
      assertThat(imgs).as(step).hasSameSizeAs(pngs);
      List<String> inline = new ArrayList<>();
      for (Element img : imgs) {
        String src = img.getAttribute("src");
        inline.add(sha256(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
      }
      List<String> expected = new ArrayList<>();
      for (byte[] png : pngs) {
        expected.add(sha256(png));
      }
      assertThat(inline).as(step).containsExactlyInAnyOrderElementsOf(expected);
      // report.json describes the page as it is on disk, and names the run's backend and version.
      JsonNode r = JSON.readTree(dir.resolve(Outputs.REPORT).toFile());
      assertThat(r.get("checksums").get(Outputs.PAGE).get("sha256").asText())
          .isEqualTo(sha256(page));
      assertThat(r.get("checksums").get(Outputs.PAGE).get("bytes").asLong()).isEqualTo(page.length);
      String text = d.getDocumentElement().getTextContent();
      assertThat(text).as(step).contains(r.get("backend").asText(), "0.1.0");
      assertThat(r.get("version").asText()).startsWith("0.1.0");
      assertThat(elements(d, "figcaption")).hasSameSizeAs(pngs);
    }
  }

  @Test
  void pagesShowTheReportsNumbersAndTokenText() throws Exception {
    Document pairwise = parse(Files.readAllBytes(all.resolve("pairwise").resolve(Outputs.PAGE)));
    String text = pairwise.getDocumentElement().getTextContent();
    // 240 rows selected, 240 x 239 / 2 pairs.
    assertThat(text).contains("240 tokens in the box, 28,680 pairs");

    // The densest token (row 100) has its six exact copies as nearest neighbours, among them the
    // one-space token and the escape sequence: the page shows each text as report.json has it,
    // the escape character visibly as \u001B (XML 1.0 forbids it; the parse above would fail).
    Path dir = all.resolve("densest");
    JsonNode r = JSON.readTree(dir.resolve(Outputs.REPORT).toFile());
    Document d = parse(Files.readAllBytes(dir.resolve(Outputs.PAGE)));
    List<String> expected = new ArrayList<>();
    for (String list : List.of("causal_neighbors", "cosine_neighbors")) {
      for (JsonNode n : r.get(list)) {
        expected.add(n.get("text").asText().replace("\u001b", "\\u001B"));
      }
    }
    List<String> shown = tokens(d);
    assertThat(shown).hasSize(1 + expected.size());
    assertThat(shown.get(0)).isEqualTo(TinyModel.token(TinyModel.DUP_OF));
    assertThat(shown.subList(1, shown.size())).containsExactlyElementsOf(expected);
    assertThat(shown).contains(" ", "\\u001B[2J");
  }

  @Test
  void theRunsPageLinksEveryStepsPage() throws Exception {
    Document d = parse(Files.readAllBytes(all.resolve(Outputs.PAGE)));
    selfContained(d);
    List<String> links = new ArrayList<>();
    for (Element a : elements(d, "a")) {
      links.add(a.getAttribute("href"));
    }
    List<String> expected = Outputs.STEPS.stream().map(s -> s + "/" + Outputs.PAGE).toList();
    assertThat(links).containsExactlyElementsOf(expected);
    for (String l : links) {
      assertThat(all.resolve(l)).isRegularFile();
    }
    // One line per step: its table row holds the step's verdict sentence.
    String text = d.getDocumentElement().getTextContent();
    assertThat(text).contains("240 tokens in the box, 28,680 pairs", "Densest token: id 100");
  }

  /** Token text is arbitrary Unicode: markup, quotes, controls, unpaired surrogates. */
  @Test
  void hostileTokenTextIsEscaped() throws Exception {
    String[][] cases = {
      // {token text, what the page shows}
      {
        "</code></td></tr></table><script>alert(1)</script>",
        "</code></td></tr></table><script>alert(1)</script>"
      },
      {"a & b \"q\" 'p' <!-- -->", "a & b \"q\" 'p' <!-- -->"},
      {"]]><![CDATA[x", "]]><![CDATA[x"},
      {"&amp;&#60;", "&amp;&#60;"},
      {"\u202eevil\u202c", "\u202eevil\u202c"},
      {"\ud83d\ude00", "\ud83d\ude00"},
      {" ", " "},
      {"", ""},
      {"\u0000nul", "\\u0000nul"},
      {"tab\tline\n", "tab\\u0009line\\u000A"},
      {"\u001b[2J", "\\u001B[2J"},
      {"\u0085\u007f", "\\u0085\\u007F"},
      {"\ud800x", "\\uD800x"},
      {"x\udc00", "x\\uDC00"},
      {"\ufffe\uffff", "\\uFFFE\\uFFFF"},
    };
    ObjectNode r = JSON.createObjectNode();
    r.put("command", "densest");
    r.put("model", "<model> & \"co\" \u0007");
    r.put("rows", 3).put("dim", 2).put("backend", "cpu <b>").put("version", "0.1.0");
    r.put("k", 2).put("top", cases.length).put("densest_token_id", 30520);
    r.put("densest_text", cases[0][0]);
    ArrayNode causal = r.putArray("causal_neighbors");
    for (int i = 0; i < cases.length; i++) {
      causal.addObject().put("rank", i + 1).put("id", i).put("text", cases[i][0]);
    }
    r.put("overlap", 1).put("overlap_share", 0.5).put("verdict", "moderate");
    String page = ReportPage.step(tmp, r);
    Document d = parse(page.getBytes(StandardCharsets.UTF_8));
    selfContained(d);
    List<String> expected = new ArrayList<>();
    expected.add(cases[0][1]);
    for (String[] c : cases) {
      expected.add(c[1]);
    }
    assertThat(tokens(d)).containsExactlyElementsOf(expected);
    assertThat(elements(d, "title").get(0).getTextContent())
        .isEqualTo("Densest point neighbourhood: <model> & \"co\" \\u0007");
    assertThat(d.getDocumentElement().getTextContent())
        .contains("cpu <b>", "Densest token: id 30520,")
        .doesNotContain("30,520");
    // The neighbour table: a header and one row per neighbour, none injected.
    assertThat(elements(d, "tr").stream().filter(tr -> tr.getTextContent().startsWith("rank")))
        .hasSize(1);
    assertThat(elements(d, "b")).isEmpty();
  }

  // ---- whole or not at all ---------------------------------------------------------------------

  static GeometryCliTest.Result pairwise(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "pairwise", "--model", model.dir.toString(), "--quiet", "--out", out.toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void aLinkAtThePageIsReplacedNotFollowed() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("linked-page"));
    Path victim = Files.writeString(tmp.resolve("victim.html"), "keep");
    Files.createSymbolicLink(out.resolve(Outputs.PAGE), victim);
    GeometryCliTest.Result r = pairwise(out, ALL_ROWS);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.isSymbolicLink(out.resolve(Outputs.PAGE))).isFalse();
    parse(Files.readAllBytes(out.resolve(Outputs.PAGE)));
    assertThat(Files.readString(victim)).isEqualTo("keep");
  }

  /** The page holds no wall time: the same analysis writes the same page, byte for byte. */
  @Test
  void identicalRunsWriteIdenticalPages() throws Exception {
    Path a = tmp.resolve("same-a");
    Path b = tmp.resolve("same-b");
    assertThat(pairwise(a, ALL_ROWS).code()).isZero();
    assertThat(pairwise(b, ALL_ROWS).code()).isZero();
    assertThat(Files.readAllBytes(a.resolve(Outputs.PAGE)))
        .isEqualTo(Files.readAllBytes(b.resolve(Outputs.PAGE)));
  }

  /**
   * A page that cannot be replaced (a folder, not empty, at its name): the step stops before it
   * writes anything, with one line naming the page, and no report.json or temporary file appears.
   */
  @Test
  void noPageNoReport() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("no-page"));
    // A folder in the page's place, not empty: neither removed nor replaced by a rename.
    Files.writeString(
        Files.createDirectories(out.resolve(Outputs.PAGE)).resolve("keep.txt"), "keep");
    GeometryCliTest.Result r = pairwise(out, ALL_ROWS);
    assertThat(r.code()).isEqualTo(Failures.BAD_INPUT);
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains(Outputs.PAGE);
    assertThat(names(out)).doesNotContain(Outputs.REPORT);
    assertThat(names(out)).noneMatch(n -> n.endsWith(".tmp"));
  }

  /**
   * A rerun removes the old page with the old report when it starts: a rerun that fails leaves
   * neither beside its new files; likewise for the page of {@code all}.
   */
  @Test
  void aFailedRerunLeavesNoOldPage() throws Exception {
    Path out = tmp.resolve("rerun");
    assertThat(pairwise(out, ALL_ROWS).code()).isZero();
    assertThat(out.resolve(Outputs.PAGE)).isRegularFile();
    GeometryCliTest.Result r = pairwise(out, "--box=89,90,179,180,1e8,1e9");
    assertThat(r.code()).as(r.err()).isEqualTo(Failures.BAD_INPUT);
    assertThat(names(out)).doesNotContain(Outputs.PAGE, Outputs.REPORT);

    Path root = Files.createDirectories(tmp.resolve("all-rerun"));
    Files.writeString(root.resolve(Outputs.PAGE), "<p>an older run</p>");
    r =
        run(
            "all",
            "--model",
            model.dir.toString(),
            "--box=89,90,179,180,1e8,1e9",
            "--quiet",
            "--out",
            root.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(Failures.BAD_INPUT);
    assertThat(root.resolve(Outputs.PAGE)).doesNotExist();
  }

  @Test
  void numbersAsAPersonReadsThem() {
    assertThat(ReportPage.number(JSON.getNodeFactory().numberNode(28680L))).isEqualTo("28,680");
    assertThat(ReportPage.number(JSON.getNodeFactory().numberNode(0.123456789)))
        .isEqualTo("0.123457");
    assertThat(ReportPage.number(JSON.getNodeFactory().numberNode(2.5))).isEqualTo("2.5");
    assertThat(ReportPage.number(JSON.getNodeFactory().numberNode(0.0))).isEqualTo("0");
    assertThat(ReportPage.number(JSON.getNodeFactory().numberNode(1.5e-7)))
        .isEqualTo("1.50000e-07");
  }
}
