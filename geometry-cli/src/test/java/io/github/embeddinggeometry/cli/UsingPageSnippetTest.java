package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The longer example of {@code docs/using.md} (its dependency section and usage snippet) is the
 * user application of {@code src/it/user-app} (which UserAppIT builds and runs with {@code
 * -Puser-app}): the same text, up to layout. The README's own project is built verbatim by the
 * snippets module. The application's main class is compiled here too, so the default build proves
 * that the snippet compiles against the current API.
 */
class UsingPageSnippetTest {
  private static final Path ROOT = Path.of("..");
  private static final Path PAGE = ROOT.resolve("docs/using.md");
  private static final Path USER_APP = ROOT.resolve("geometry-cli/src/it/user-app");
  private static final Path MAIN = USER_APP.resolve("src/main/java/app/Main.java");

  @TempDir Path tmp;

  @Test
  void theUsageSnippetIsTheUserAppsMain() throws IOException {
    String readme = block(read(PAGE), "```java\n", "```");
    String app =
        block(read(MAIN), "// --- README snippet start ---", "// --- README snippet end ---");
    assertThat(squeeze(readme)).isEqualTo(squeeze(app));
  }

  @Test
  void theUserAppsMainCompilesWithoutWarnings() {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter out = new StringWriter();
    boolean ok =
        javac
            .getTask(
                out,
                null,
                null,
                List.of(
                    "--release",
                    "17",
                    "-Xlint:all",
                    "-Werror",
                    "-d",
                    tmp.toString(),
                    "-cp",
                    System.getProperty("java.class.path")),
                null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(MAIN.toFile()))
            .call();
    assertThat(ok).as(out.toString()).isTrue();
    assertThat(tmp.resolve("app/Main.class")).exists();
  }

  @Test
  void theDependencySectionIsTheUserAppsPom() throws IOException {
    String readme = block(read(PAGE), "```xml\n", "```");
    String pom =
        block(
            read(USER_APP.resolve("pom.xml")),
            "<!-- README dependency start -->",
            "<!-- README dependency end -->");
    // The user application's pom names versions by placeholders the invoker plugin fills in from
    // the build's own properties; the page must show those very versions.
    String parent = read(ROOT.resolve("pom.xml"));
    Matcher placeholder = Pattern.compile("@([A-Za-z0-9.-]+)@").matcher(pom);
    StringBuilder filled = new StringBuilder();
    while (placeholder.find()) {
      String name = placeholder.group(1);
      String value =
          name.equals("project.version")
              ? block(parent, "<version>", "</version>")
              : block(parent, "<" + name + ">", "</" + name + ">");
      placeholder.appendReplacement(filled, Matcher.quoteReplacement(value));
    }
    placeholder.appendTail(filled);
    assertThat(squeeze(withoutComments(readme)))
        .isEqualTo(squeeze(withoutComments(filled.toString())));
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p);
  }

  private static String block(String text, String start, String end) {
    int i = text.indexOf(start);
    assertThat(i).as("'%s' in the text", start).isNotNegative();
    int j = text.indexOf(end, i + start.length());
    assertThat(j).as("'%s' after '%s'", end, start).isPositive();
    return text.substring(i + start.length(), j);
  }

  private static String withoutComments(String xml) {
    return xml.replaceAll("(?s)<!--.*?-->", "");
  }

  /** Layout-free: no whitespace at all. */
  private static String squeeze(String s) {
    return s.replaceAll("\\s+", "");
  }
}
