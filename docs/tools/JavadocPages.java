import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Prepares a library module's javadoc input: copies its sources without {@code module-info.java}
 * (javadoc runs on the class path, see the parent pom) and turns the pages of {@code docs/} into
 * {@code doc-files} HTML of the module's root package, so that javadoc links such as {@code
 * {@docRoot}/io/github/embeddinggeometry/doc-files/definitions.html#pca-basis} resolve inside the
 * javadoc jar. The Markdown pages stay the source; this program is run by Maven (exec plugin) before
 * the javadoc jar is built. Only the pages of {@link #LIBRARY_PAGES} become part of the javadoc:
 *
 * <pre>
 * java docs/tools/JavadocPages.java DOCS_DIR SOURCE_ROOT OUT_DIR ROOT_PACKAGE_PATH
 * </pre>
 *
 * <p>It understands the Markdown the pages use and refuses the rest: headings (ids as GitHub makes
 * them), paragraphs, nested lists, tables, fenced code, code spans, bold, and links to other pages
 * of {@code docs/} or to http(s) addresses. A link to anything else fails the build, so a page can
 * never point outside the repository's documentation.
 */
public final class JavadocPages {
  /**
   * The pages about the library's API, which its javadoc links to. The other pages of docs/ are
   * about the command line, the build and its history, and have no place in a library's javadoc
   * jar (nor does their Markdown have to fit this converter).
   */
  static final List<String> LIBRARY_PAGES =
      List.of("definitions.md", "notebooks.md", "using.md", "io.md");

  private JavadocPages() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "usage: JavadocPages DOCS_DIR SOURCE_ROOT OUT_DIR ROOT_PACKAGE_PATH");
    }
    Path docs = Path.of(args[0]);
    Path src = Path.of(args[1]);
    Path out = Path.of(args[2]);
    Path docFiles = out.resolve(args[3]).resolve("doc-files");
    deleteTree(out);
    copySources(src, out);
    Files.createDirectories(docFiles);
    try (Stream<Path> pages = Files.list(docs)) {
      for (Path md :
          pages
              .filter(p -> LIBRARY_PAGES.contains(p.getFileName().toString()))
              .sorted()
              .toList()) {
        String name = md.getFileName().toString();
        String html = toHtml(Files.readString(md, StandardCharsets.UTF_8), name);
        Files.writeString(
            docFiles.resolve(name.substring(0, name.length() - 3) + ".html"),
            html,
            StandardCharsets.UTF_8);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void copySources(Path src, Path out) throws IOException {
    try (Stream<Path> all = Files.walk(src)) {
      for (Path p : all.toList()) {
        Path rel = src.relativize(p);
        if (rel.toString().equals("module-info.java")) {
          continue;
        }
        Path target = out.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  // ---- Markdown to HTML ----------------------------------------------------------------------

  private static final Pattern HEADING = Pattern.compile("^(#{1,4}) (.+)$");
  private static final Pattern ITEM = Pattern.compile("^( *)(- |\\d+\\. )(.*)$");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)");
  private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");

  /** Converts one page; {@code page} names it in error messages. */
  static String toHtml(String markdown, String page) {
    List<String> lines = markdown.lines().toList();
    StringBuilder body = new StringBuilder();
    Map<String, Integer> slugs = new HashMap<>();
    String title = null;
    String lastHeading = "";
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      Matcher h = HEADING.matcher(line);
      if (line.isBlank()) {
        i++;
      } else if (line.startsWith("```")) {
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).startsWith("```")) {
          end++;
        }
        if (end == lines.size()) {
          throw new IllegalArgumentException(page + ":" + (i + 1) + ": unclosed code fence");
        }
        body.append("<pre><code>");
        for (int k = i + 1; k < end; k++) {
          body.append(escape(lines.get(k))).append('\n');
        }
        body.append("</code></pre>\n");
        i = end + 1;
      } else if (h.matches()) {
        int level = h.group(1).length();
        String text = h.group(2).trim();
        String slug = slug(text);
        int seen = slugs.merge(slug, 1, Integer::sum);
        String id = seen == 1 ? slug : slug + "-" + (seen - 1);
        if (level == 1 && title == null) {
          title = text;
        }
        lastHeading = text;
        body.append("<h")
            .append(level)
            .append(" id=\"")
            .append(id)
            .append("\">")
            .append(inline(text, page, i))
            .append("</h")
            .append(level)
            .append(">\n");
        i++;
      } else if (line.startsWith("|")) {
        i = table(lines, i, body, lastHeading, page);
      } else if (ITEM.matcher(line).matches()) {
        i = list(lines, i, body, page);
      } else {
        StringBuilder p = new StringBuilder();
        while (i < lines.size() && !startsBlock(lines.get(i))) {
          p.append(p.length() == 0 ? "" : "\n").append(lines.get(i).trim());
          i++;
        }
        body.append("<p>").append(inline(p.toString(), page, i)).append("</p>\n");
      }
    }
    if (title == null) {
      throw new IllegalArgumentException(page + ": no '# title' heading");
    }
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n<title>"
        + escape(title)
        + "</title>\n</head>\n<body>\n<!-- Generated from docs/"
        + page
        + " by docs/tools/JavadocPages.java: edit the Markdown page, not this file. -->\n"
        + body
        + "</body>\n</html>\n";
  }

  private static boolean startsBlock(String line) {
    return line.isBlank()
        || line.startsWith("```")
        || line.startsWith("|")
        || HEADING.matcher(line).matches()
        || ITEM.matcher(line).matches();
  }

  /** A table: header row, separator row, body rows; the caption is the section's heading. */
  private static int table(
      List<String> lines, int i, StringBuilder out, String caption, String page) {
    if (i + 1 >= lines.size() || !lines.get(i + 1).matches("^\\|( *:?-+:? *\\|)+ *$")) {
      throw new IllegalArgumentException(page + ":" + (i + 1) + ": table without a separator row");
    }
    List<String> header = cells(lines.get(i));
    out.append("<table class=\"striped\">\n<caption>")
        .append(inline(caption, page, i))
        .append("</caption>\n<thead>\n<tr>");
    for (String c : header) {
      out.append("<th scope=\"col\">").append(inline(c, page, i)).append("</th>");
    }
    out.append("</tr>\n</thead>\n<tbody>\n");
    int r = i + 2;
    while (r < lines.size() && lines.get(r).startsWith("|")) {
      List<String> row = cells(lines.get(r));
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            page + ":" + (r + 1) + ": " + row.size() + " cells, the header has " + header.size());
      }
      out.append("<tr>");
      for (String c : row) {
        out.append("<td>").append(inline(c, page, r)).append("</td>");
      }
      out.append("</tr>\n");
      r++;
    }
    out.append("</tbody>\n</table>\n");
    return r;
  }

  /** The cells of a table row; a {@code |} inside a code span belongs to the cell. */
  private static List<String> cells(String row) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean code = false;
    String body = row.trim();
    body = body.substring(1, body.endsWith("|") ? body.length() - 1 : body.length());
    for (char ch : body.toCharArray()) {
      if (ch == '`') {
        code = !code;
      }
      if (ch == '|' && !code) {
        out.add(cell.toString().trim());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    out.add(cell.toString().trim());
    return out;
  }

  /** A list starting at line i, with items nested by indentation. */
  private static int list(List<String> lines, int i, StringBuilder out, String page) {
    Matcher first = ITEM.matcher(lines.get(i));
    first.matches();
    int indent = first.group(1).length();
    boolean ordered = !first.group(2).startsWith("-");
    out.append(ordered ? "<ol>\n" : "<ul>\n");
    while (i < lines.size()) {
      Matcher m = ITEM.matcher(lines.get(i));
      if (!m.matches() || m.group(1).length() != indent) {
        break;
      }
      StringBuilder text = new StringBuilder(m.group(3).trim());
      int contentIndent = indent + m.group(2).length();
      i++;
      // Continuation lines: indented at least to the item's text, not a new item.
      while (i < lines.size()
          && !lines.get(i).isBlank()
          && !ITEM.matcher(lines.get(i)).matches()
          && lines.get(i).startsWith(" ".repeat(contentIndent))) {
        text.append('\n').append(lines.get(i).trim());
        i++;
      }
      out.append("<li>").append(inline(text.toString(), page, i));
      if (i < lines.size()) {
        Matcher nested = ITEM.matcher(lines.get(i));
        if (nested.matches() && nested.group(1).length() > indent) {
          out.append('\n');
          i = list(lines, i, out, page);
        }
      }
      out.append("</li>\n");
    }
    out.append(ordered ? "</ol>\n" : "</ul>\n");
    return i;
  }

  /** Code spans, links and bold; everything else is escaped text. */
  private static String inline(String text, String page, int line) {
    StringBuilder out = new StringBuilder();
    String[] parts = text.split("`", -1);
    if (parts.length % 2 == 0) {
      throw new IllegalArgumentException(page + ":" + line + ": unbalanced ` in: " + text);
    }
    for (int k = 0; k < parts.length; k++) {
      if (k % 2 == 1) {
        out.append("<code>").append(escape(parts[k])).append("</code>");
      } else {
        out.append(links(parts[k], page, line));
      }
    }
    return out.toString();
  }

  private static String links(String text, String page, int line) {
    StringBuilder out = new StringBuilder();
    Matcher m = LINK.matcher(text);
    int at = 0;
    while (m.find()) {
      out.append(bold(escape(text.substring(at, m.start()))));
      out.append("<a href=\"")
          .append(escape(target(m.group(2), page, line)))
          .append("\">")
          .append(bold(escape(m.group(1))))
          .append("</a>");
      at = m.end();
    }
    out.append(bold(escape(text.substring(at))));
    return out.toString();
  }

  /** Another page of docs/ (as its HTML twin) or an http(s) address; anything else is an error. */
  private static String target(String href, String page, int line) {
    if (href.startsWith("https://") || href.startsWith("http://")) {
      return href;
    }
    Matcher m = Pattern.compile("^([a-z0-9-]+)\\.md(#[a-z0-9-]+)?$").matcher(href);
    if (!m.matches() || !LIBRARY_PAGES.contains(m.group(1) + ".md")) {
      throw new IllegalArgumentException(
          page
              + ":"
              + line
              + ": link to '"
              + href
              + "': pages may link only to "
              + LIBRARY_PAGES
              + " or to http(s) addresses");
    }
    return m.group(1) + ".html" + (m.group(2) == null ? "" : m.group(2));
  }

  private static String bold(String escaped) {
    return BOLD.matcher(escaped).replaceAll("<b>$1</b>");
  }

  /** HTML text; {@code @} too, which javadoc would otherwise read as a tag in a doc file. */
  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("@", "&#64;")
        .replace("{", "&#123;");
  }

  /** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
  static String slug(String heading) {
    String plain = heading.replace("`", "").toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < plain.length(); k++) {
      char c = plain.charAt(k);
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        out.append(c);
      } else if (c == ' ') {
        out.append('-');
      }
    }
    return out.toString();
  }
}
