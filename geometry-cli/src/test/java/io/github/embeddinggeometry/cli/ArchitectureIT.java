package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure the module descriptors promise, checked on the built jars with {@code jdeps}: no
 * package cycles, no split packages, no module reading another's internals except through a
 * qualified export, and a small, documented public API.
 */
class ArchitectureIT {
  private static final String ROOT = "io.github.embeddinggeometry";

  /** The backend SPI: the packages of geometry-core that the sibling modules build on. */
  private static final String SPI = ROOT + ".backend.spi";

  /** geometry-core's implementation packages, which no other module's main code may import. */
  private static final String CORE_INTERNAL = ROOT + ".internal";

  /**
   * Main-code imports of core internals that are allowed, by module: geometry-bench times the
   * eigensolver against EJML's, an algorithm with no API of its own (PCA is its public face), so it
   * stays on the class path rather than growing the SPI for a benchmark.
   */
  private static final Map<String, Set<String>> ALLOWED_INTERNAL_IMPORTS =
      Map.of("geometry-bench", Set.of(CORE_INTERNAL + ".linalg.SymmetricEigen"));

  private static final List<String> LIBRARIES =
      List.of("geometry-core", "geometry-io", "geometry-cuda");

  /** Library jar by artifact id, and every other jar of the test class path. */
  private static final Map<String, Path> jars = new TreeMap<>();

  private static final List<Path> others = new ArrayList<>();

  /** Package edges from jdeps, ours only: from package -> to packages. */
  private static final Map<String, Set<String>> edges = new TreeMap<>();

  private static final Map<String, ModuleDescriptor> descriptors = new HashMap<>();

  @BeforeAll
  static void analyse() throws IOException {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      String artifact =
          LIBRARIES.stream()
              .filter(
                  a ->
                      name.startsWith(a + "-") && name.endsWith(".jar") && !name.contains("-tests"))
              .findFirst()
              .orElse(null);
      if (artifact != null) {
        jars.put(artifact, p);
      } else if (name.endsWith(".jar")) {
        others.add(p);
      }
    }
    assertThat(jars.keySet()).containsExactlyInAnyOrderElementsOf(LIBRARIES);
    for (ModuleReference ref : ModuleFinder.of(jars.values().toArray(Path[]::new)).findAll()) {
      descriptors.put(ref.descriptor().name(), ref.descriptor());
    }
    String modulePath =
        Stream.concat(jars.values().stream(), others.stream())
            .map(Path::toString)
            .collect(Collectors.joining(java.io.File.pathSeparator));
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    Pattern line = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S+)\\s*$");
    for (Path jar : jars.values()) {
      StringWriter out = new StringWriter();
      int rc =
          jdeps.run(
              new PrintWriter(out),
              new PrintWriter(out),
              "--multi-release",
              "17",
              "--ignore-missing-deps",
              "-verbose:package",
              "--module-path",
              modulePath,
              jar.toString());
      assertThat(rc).as("jdeps on %s:%n%s", jar, out).isZero();
      for (String l : out.toString().split("\n")) {
        Matcher m = line.matcher(l);
        if (m.matches()
            && m.group(1).startsWith(ROOT)
            && m.group(2).startsWith(ROOT)
            && !m.group(1).equals(m.group(2))) {
          edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        }
      }
    }
    assertThat(edges).as("jdeps found package dependencies").isNotEmpty();
  }

  @Test
  void noCyclesBetweenPackages() {
    // Tarjan's strongly connected components; any component of two or more packages is a cycle.
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> cycles = new ArrayList<>();
    int[] counter = {0};
    Set<String> all = new TreeSet<>(edges.keySet());
    edges.values().forEach(all::addAll);
    for (String v : all) {
      if (!index.containsKey(v)) {
        strongConnect(v, index, low, stack, onStack, cycles, counter);
      }
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  private static void strongConnect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> cycles,
      int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : edges.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        strongConnect(w, index, low, stack, onStack, cycles, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        cycles.add(component);
      }
    }
  }

  @Test
  void noSplitPackagesAndEveryLibraryIsANamedModule() {
    Map<String, String> owner = new HashMap<>();
    assertThat(descriptors.keySet()).containsExactlyInAnyOrder(ROOT, ROOT + ".io", ROOT + ".cuda");
    for (ModuleDescriptor d : descriptors.values()) {
      assertThat(d.isAutomatic()).as(d.name()).isFalse();
      for (String p : d.packages()) {
        String before = owner.put(p, d.name());
        assertThat(before).as("package %s in %s and %s", p, before, d.name()).isNull();
      }
    }
  }

  @Test
  void internalsAreReadOnlyThroughQualifiedExports() {
    Map<String, String> owner = new HashMap<>();
    descriptors.values().forEach(d -> d.packages().forEach(p -> owner.put(p, d.name())));
    for (ModuleDescriptor d : descriptors.values()) {
      for (ModuleDescriptor.Exports e : d.exports()) {
        if (e.source().contains(".internal")) {
          assertThat(e.isQualified())
              .as("%s exports %s to everyone", d.name(), e.source())
              .isTrue();
        }
      }
    }
    edges.forEach(
        (from, tos) -> {
          String fromModule = owner.get(from);
          for (String to : tos) {
            String toModule = owner.get(to);
            if (fromModule == null || toModule == null || fromModule.equals(toModule)) {
              continue;
            }
            boolean visible =
                descriptors.get(toModule).exports().stream()
                    .anyMatch(
                        e ->
                            e.source().equals(to)
                                && (!e.isQualified() || e.targets().contains(fromModule)));
            assertThat(visible)
                .as(
                    "%s (%s) uses %s (%s), which is not exported to it",
                    from, fromModule, to, toModule)
                .isTrue();
          }
        });
  }

  /**
   * Public types of geometry-core's exported packages: at most 45 in the API, at most 25 in the
   * backend SPI ({@code backend.spi*}, for the sibling modules, counted apart), each with @since.
   */
  @Test
  void coreApiIsSmallAndDocumented() throws IOException {
    ModuleDescriptor core = descriptors.get(ROOT);
    Set<String> exported =
        core.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    Path src =
        Path.of(System.getProperty("embgeo.root", "..")).resolve("geometry-core/src/main/java");
    List<String> types = new ArrayList<>();
    List<String> spiTypes = new ArrayList<>();
    List<String> undocumented = new ArrayList<>();
    Pattern publicType =
        Pattern.compile(
            "^\\s*public\\s+(?:static\\s+)?(?:final\\s+|sealed\\s+|abstract\\s+|non-sealed\\s+)*"
                + "(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);
    for (String pkg : exported) {
      Path dir = src.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f :
            files
                .filter(
                    x ->
                        x.toString().endsWith(".java")
                            && !x.getFileName().toString().equals("package-info.java"))
                .toList()) {
          String text = Files.readString(f);
          Matcher m = publicType.matcher(text);
          while (m.find()) {
            String type = pkg + "." + m.group(1);
            (pkg.startsWith(SPI) ? spiTypes : types).add(type);
            String before = text.substring(0, m.start());
            int doc = before.lastIndexOf("/**");
            if (doc < 0
                || before.indexOf("*/", doc) < 0
                || !before.substring(doc).contains("@since")) {
              undocumented.add(type);
            }
          }
        }
      }
    }
    assertThat(types).as("public API types of geometry-core").hasSizeLessThanOrEqualTo(45);
    // 25: the 20 of the SPI's first cut; PairStatistics with its Statistics record (a kernel that
    // computes the pairwise statistics where its data lives, e.g. on a Spark cluster); PairPasses
    // with its two partials (the passes themselves, which the single machine and geometry-spark's
    // pairwise job share).
    assertThat(spiTypes).as("public types of the backend SPI").hasSizeLessThanOrEqualTo(25);
    assertThat(undocumented).as("public types without @since").isEmpty();
  }

  /**
   * The module graph's top: the library modules import neither the command line nor the notebook
   * programs, nothing but the programs imports the command line's package from main code, and no
   * module depends on {@code examples} (the leaves). Read from the sources and poms, so that a
   * reflective or test-scope link shows too.
   */
  @Test
  void librariesNeverReachUpAndNothingDependsOnTheExamples() throws IOException {
    Path root = Path.of(System.getProperty("embgeo.root", ".."));
    List<String> found = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
        String name = module.getFileName().toString();
        String pom = Files.readString(module.resolve("pom.xml"));
        Matcher dep =
            Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        while (dep.find()) {
          String d = dep.group(1);
          if (d.contains("<artifactId>examples</artifactId>")) {
            found.add(name + "/pom.xml depends on examples");
          }
          if (d.contains("<artifactId>geometry-cli</artifactId>")
              && !name.equals("examples")
              && !d.contains("<scope>test</scope>")) {
            found.add(name + "/pom.xml depends on geometry-cli outside its tests");
          }
        }
        Path main = module.resolve("src/main/java");
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(main)) {
          for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
            String text = Files.readString(f);
            if (!name.equals("examples") && text.contains(ROOT + ".examples")) {
              found.add(root.relativize(f) + " names the examples");
            }
            if (!name.equals("examples")
                && !name.equals("geometry-cli")
                && text.contains("import " + ROOT + ".cli")) {
              found.add(root.relativize(f) + " imports the command line");
            }
          }
        }
      }
    }
    assertThat(found).isEmpty();
    edges.forEach(
        (from, tos) ->
            assertThat(tos)
                .as("%s reaches up", from)
                .noneMatch(t -> t.startsWith(ROOT + ".cli") || t.startsWith(ROOT + ".examples")));
  }

  /**
   * The backend SPI holds the line: no module descriptor exports an implementation package to
   * another module (tests reach internals with {@code --add-exports}), no main source outside
   * geometry-core imports core's internals (bar {@link #ALLOWED_INTERNAL_IMPORTS}), and
   * geometry-core names none of geometry-cuda's {@code embgeo.cuda.*} properties. Read from the
   * sources, so that a module outside the jdeps set (blas, spark, bench) counts too.
   */
  @Test
  void internalsStayInsideTheirModule() throws IOException {
    Path root = Path.of(System.getProperty("embgeo.root", ".."));
    List<String> found = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
        String name = module.getFileName().toString();
        Path main = module.resolve("src/main/java");
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(main)) {
          for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
            String where = root.relativize(f).toString();
            String text = Files.readString(f);
            if (f.getFileName().toString().equals("module-info.java")) {
              found.addAll(internalExports(where, text));
            } else if (name.equals("geometry-core")) {
              found.addAll(cudaProperties(where, text));
            } else {
              found.addAll(
                  internalImports(
                      where, text, ALLOWED_INTERNAL_IMPORTS.getOrDefault(name, Set.of())));
            }
          }
        }
      }
    }
    assertThat(found).isEmpty();
    // and the built descriptors agree with their sources
    for (ModuleDescriptor d : descriptors.values()) {
      for (ModuleDescriptor.Exports e : d.exports()) {
        assertThat(e.source()).as("%s exports", d.name()).doesNotContain(".internal");
      }
    }
  }

  /** Each check above finds a planted violation, and passes the real shape of the code. */
  @Test
  void theInternalsChecksCatchPlantedViolations() {
    assertThat(
            internalExports(
                "m/module-info.java",
                "module a {\n  exports a.b;\n  exports a.internal.kernel to\n      b.c,\n      d.e;\n}"))
        .singleElement()
        .asString()
        .contains("a.internal.kernel");
    assertThat(internalExports("m/module-info.java", "module a {\n  exports a.b.spi;\n}"))
        .isEmpty();
    String planted =
        "package x;\n\nimport "
            + CORE_INTERNAL
            + ".kernel.Kernels;\nimport "
            + SPI
            + ".Parallel;\n\nclass Y {\n  Object k = "
            + CORE_INTERNAL
            + ".Settings.raw(\"a\");\n}\n";
    assertThat(internalImports("x/Y.java", planted, Set.of()))
        .hasSize(2)
        .anySatisfy(v -> assertThat(v).contains(".kernel.Kernels"))
        .anySatisfy(v -> assertThat(v).contains(".Settings"));
    assertThat(internalImports("x/Y.java", planted, Set.of(CORE_INTERNAL + ".kernel.Kernels")))
        .singleElement()
        .asString()
        .contains(".Settings");
    // another module's own internal package is its business
    assertThat(internalImports("x/Y.java", "import " + ROOT + ".cuda.internal.Gemm;", Set.of()))
        .isEmpty();
    assertThat(cudaProperties("c/S.java", "String P = \"embgeo.cuda.device\";")).hasSize(1);
    assertThat(cudaProperties("c/S.java", "String P = \"embgeo.threads\";")).isEmpty();
  }

  /** Exports of an {@code internal} package in a module descriptor's source, qualified or not. */
  static List<String> internalExports(String where, String moduleInfo) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("\\bexports\\s+([\\w.]+)").matcher(moduleInfo);
    while (m.find()) {
      if (m.group(1).matches("(.*\\.)?internal(\\..*)?")) {
        found.add(where + " exports " + m.group(1));
      }
    }
    return found;
  }

  /** Names of geometry-core's internal classes in a source file, imported or written in full. */
  static List<String> internalImports(String where, String source, Set<String> allowed) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(Pattern.quote(CORE_INTERNAL) + "(\\.[\\w.]*\\w)").matcher(source);
    while (m.find()) {
      String name = CORE_INTERNAL + m.group(1);
      if (!allowed.contains(name)) {
        found.add(where + " uses " + name);
      }
    }
    return found;
  }

  /** geometry-cuda's property names in a geometry-core source file. */
  static List<String> cudaProperties(String where, String source) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("embgeo\\.cuda\\.\\w*").matcher(source);
    while (m.find()) {
      found.add(where + " names " + m.group());
    }
    return found;
  }
}
