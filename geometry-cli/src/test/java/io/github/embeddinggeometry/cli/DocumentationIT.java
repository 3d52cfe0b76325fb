package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The documentation is self-contained: every link inside the library modules' javadoc jars resolves
 * inside the jar (pages and anchors, the {@code docs/} pages included), every relative link of the
 * README and of {@code docs/} resolves inside the repository (files and GitHub anchors), and
 * nothing in the repository refers to files outside it.
 */
class DocumentationIT {
  private static final Path ROOT = Path.of(System.getProperty("embgeo.root", "..")).normalize();
  private static final List<String> LIBRARIES =
      List.of("geometry-core", "geometry-io", "geometry-cuda");
  private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");
  private static final Pattern ID = Pattern.compile("id=\"([^\"]*)\"");

  /** The javadoc jar next to each library jar of the class path. */
  private static Map<String, Path> javadocJars() {
    Map<String, Path> out = new HashMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      for (String lib : LIBRARIES) {
        if (name.startsWith(lib + "-") && name.endsWith(".jar") && !name.contains("-tests")) {
          out.put(lib, Path.of(entry.substring(0, entry.length() - 4) + "-javadoc.jar"));
        }
      }
    }
    assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(LIBRARIES);
    return out;
  }

  @Test
  void everyLinkInTheJavadocJarsResolvesInsideThem() throws IOException {
    for (Map.Entry<String, Path> jar : javadocJars().entrySet()) {
      assertThat(jar.getValue()).as("javadoc jar of %s", jar.getKey()).exists();
      try (ZipFile zip = new ZipFile(jar.getValue().toFile())) {
        Map<String, String> pages = new HashMap<>();
        for (ZipEntry e : zip.stream().toList()) {
          if (e.getName().endsWith(".html")) {
            try (InputStream in = zip.getInputStream(e)) {
              pages.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
          }
        }
        String root = jar.getKey().equals("geometry-core") ? "" : jar.getKey().substring(9) + "/";
        String docFiles = "io/github/embeddinggeometry/" + root + "doc-files/";
        assertThat(pages)
            .as("%s: the docs/ pages", jar.getKey())
            .containsKeys(docFiles + "definitions.html", docFiles + "using.html");
        List<String> broken = new ArrayList<>();
        Map<String, Set<String>> ids = new HashMap<>();
        int checked = 0;
        for (Map.Entry<String, String> page : pages.entrySet()) {
          Matcher m = HREF.matcher(page.getValue());
          while (m.find()) {
            String href = m.group(1).replace("&amp;", "&");
            if (href.isEmpty() || href.startsWith("#") || href.contains(":")) {
              continue; // same-page anchors, absolute URLs (the JDK's javadoc)
            }
            String[] parts = href.split("#", 2);
            String target = parts[0].isEmpty() ? page.getKey() : resolve(page.getKey(), parts[0]);
            checked++;
            if (target == null || zip.getEntry(target) == null) {
              broken.add(page.getKey() + " -> " + href);
            } else if (parts.length == 2
                && pages.containsKey(target)
                // javadoc's own help page: JDK 25's links module pages to a "#module" section
                // that its help page does not have (a javadoc bug, not our link)
                && !target.equals("help-doc.html")) {
              Set<String> anchors = ids.computeIfAbsent(target, t -> idsOf(pages.get(t)));
              String fragment = URI.create("x#" + parts[1]).getFragment();
              if (!anchors.contains(fragment)) {
                broken.add(page.getKey() + " -> " + href + " (no such anchor)");
              }
            }
          }
        }
        assertThat(checked).as("%s: links checked", jar.getKey()).isGreaterThan(100);
        assertThat(broken).as("%s: broken links", jar.getKey()).isEmpty();
      }
    }
  }

  /**
   * Every relative link of README.md, the other top-level pages, geometry-spark's README and
   * docs/*.md names a file of the repository.
   */
  @Test
  void markdownLinksResolveInsideTheRepository() throws IOException {
    List<Path> pages = new ArrayList<>();
    for (String page :
        List.of("README.md", "CONTRIBUTING.md", "BENCHMARKS.md", "geometry-spark/README.md")) {
      pages.add(ROOT.resolve(page));
    }
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        String href = m.group(1);
        if (href.startsWith("http://") || href.startsWith("https://")) {
          continue;
        }
        checked++;
        String[] parts = href.split("#", 2);
        Path target = parts[0].isEmpty() ? page : page.getParent().resolve(parts[0]).normalize();
        if (!target.startsWith(ROOT) || !Files.exists(target)) {
          broken.add(ROOT.relativize(page) + " -> " + href);
        } else if (parts.length == 2 && !githubAnchors(target).contains(parts[1])) {
          broken.add(ROOT.relativize(page) + " -> " + href + " (no such heading)");
        }
      }
    }
    assertThat(checked).isPositive();
    assertThat(broken).isEmpty();
  }

  /**
   * No text file refers to the research material the library was written from, which lives outside
   * the repository: its definitions are in docs/, in our own words.
   */
  @Test
  void nothingPointsOutsideTheRepository() throws IOException {
    Pattern outside =
        Pattern.compile(
            "spec section|ANALYSES\\.md|ANCHORS|\\.\\./shared|/work/shared|shared/spec");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f :
          files.filter(Files::isRegularFile).filter(DocumentationIT::isSourceText).toList()) {
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        Matcher m = outside.matcher(text);
        while (m.find()) {
          int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
          found.add(ROOT.relativize(f) + ":" + line + ": " + m.group());
        }
      }
    }
    assertThat(found).isEmpty();
  }

  private static boolean isSourceText(Path p) {
    Path rel = ROOT.relativize(p);
    for (Path part : rel) {
      String s = part.toString();
      if (s.startsWith("target") || s.equals(".git") || s.equals("out")) {
        return false;
      }
    }
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    // This class names the patterns it looks for.
    return !name.equals("documentationit.java")
        && Stream.of(".java", ".md", ".xml", ".sh", ".cu", ".html", ".properties", ".txt")
            .anyMatch(name::endsWith);
  }

  /** Resolves a relative link against the page's folder; null when it leaves the jar. */
  private static String resolve(String page, String href) {
    Path base = Path.of(page).getParent();
    Path t = (base == null ? Path.of(href) : base.resolve(href)).normalize();
    return t.startsWith("..") ? null : t.toString().replace('\\', '/');
  }

  private static Set<String> idsOf(String html) {
    Set<String> out = new HashSet<>();
    Matcher m = ID.matcher(html);
    while (m.find()) {
      out.add(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
    }
    return out;
  }

  /** The anchors GitHub gives the headings of a Markdown file. */
  private static Set<String> githubAnchors(Path md) throws IOException {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(md)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      }
      if (!fenced && line.matches("^#{1,6} .*")) {
        String text = line.replaceFirst("^#+ ", "").trim().replace("`", "");
        StringBuilder slug = new StringBuilder();
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
          if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
            slug.append(c);
          } else if (c == ' ') {
            slug.append('-');
          }
        }
        int n = seen.merge(slug.toString(), 1, Integer::sum);
        out.add(n == 1 ? slug.toString() : slug + "-" + (n - 1));
      }
    }
    return out;
  }
}
