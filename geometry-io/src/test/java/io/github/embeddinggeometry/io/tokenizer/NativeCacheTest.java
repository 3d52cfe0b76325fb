package io.github.embeddinggeometry.io.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.io.ChildJvm;
import io.github.embeddinggeometry.io.MiniLm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where DJL's native tokenizer library goes, seen from a fresh JVM (the library is unpacked once
 * per JVM): the user's {@code DJL_CACHE_DIR} or {@code ENGINE_CACHE_DIR}, else the user's cache
 * folder ({@code $XDG_CACHE_HOME/embedding-geometry/djl}, else {@code
 * ~/.cache/embedding-geometry/djl}), never DJL's {@code ~/.djl.ai}; a private temporary folder when
 * the cache folder cannot be written.
 */
class NativeCacheTest {
  @TempDir Path dir;

  /** Decodes one id with the MiniLM tokenizer and says where the library was unpacked. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      try (InputStream in = ClassLoader.getSystemResourceAsStream(MiniLm.TOKENIZER_RESOURCE);
          HfTokenizer t = HfTokenizer.read("minilm", in)) {
        System.out.println("decoded=" + t.decode(7592));
        System.out.println("ENGINE_CACHE_DIR=" + System.getProperty("ENGINE_CACHE_DIR"));
      }
    }
  }

  /** A home where nothing can be created: .djl.ai and .cache are files, the home read-only. */
  private Path readOnlyHome() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve(".djl.ai"), "not a folder");
    Files.writeString(home.resolve(".cache"), "not a folder");
    home.toFile().setWritable(false, false);
    return home;
  }

  /** The child's environment: DJL's two variables and XDG_CACHE_HOME as given (null: unset). */
  private static Map<String, String> env(String djlCacheDir, String xdgCacheHome) {
    Map<String, String> env = new HashMap<>();
    env.put(NativeCache.DJL_CACHE_DIR, djlCacheDir);
    env.put(NativeCache.ENGINE_CACHE_DIR, null);
    env.put("XDG_CACHE_HOME", xdgCacheHome);
    return env;
  }

  private static boolean holdsTheLibrary(Path root) throws Exception {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.anyMatch(p -> p.getFileName().toString().contains("tokenizers."));
    }
  }

  @Test
  void unwritableCacheFolderFallsBackToAPrivateTemporaryFolder() throws Exception {
    Path home = readOnlyHome();
    // DJL's own fallback, <java.io.tmpdir>/.djl.ai, is blocked too: only a private folder works.
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(tmp.resolve(".djl.ai"), "taken by someone else");
    ChildJvm.Result r =
        ChildJvm.run(
            Probe.class,
            List.of("-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp),
            env(null, null));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("decoded=hello").contains("ENGINE_CACHE_DIR=" + tmp);
    assertThat(Files.readString(home.resolve(".djl.ai"))).isEqualTo("not a folder");
    assertThat(Files.readString(tmp.resolve(".djl.ai"))).isEqualTo("taken by someone else");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("the private folder is removed at exit").hasSize(1);
    }
  }

  @Test
  void djlCacheDirIsHonoured() throws Exception {
    Path home = readOnlyHome();
    Path cache = dir.resolve("cache");
    Path xdg = dir.resolve("xdg");
    ChildJvm.Result r =
        ChildJvm.run(
            Probe.class, List.of("-Duser.home=" + home), env(cache.toString(), xdg.toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("decoded=hello").contains("ENGINE_CACHE_DIR=null");
    assertThat(holdsTheLibrary(cache)).as("library unpacked under DJL_CACHE_DIR").isTrue();
    assertThat(xdg.resolve("embedding-geometry/djl"))
        .as("the user's choice, not the cache folder")
        .doesNotExist();
  }

  @Test
  void engineCacheDirPropertyIsHonoured() throws Exception {
    Path engine = dir.resolve("engine");
    Path xdg = dir.resolve("xdg");
    ChildJvm.Result r =
        ChildJvm.run(
            Probe.class,
            List.of("-D" + NativeCache.ENGINE_CACHE_DIR + "=" + engine),
            env(null, xdg.toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("decoded=hello").contains("ENGINE_CACHE_DIR=" + engine);
    assertThat(holdsTheLibrary(engine.resolve("tokenizers"))).isTrue();
    assertThat(xdg.resolve("embedding-geometry/djl")).doesNotExist();
  }

  @Test
  void defaultIsDjlInXdgCacheHome() throws Exception {
    Path home = Files.createDirectories(dir.resolve("writable-home"));
    Path xdg = dir.resolve("xdg");
    ChildJvm.Result r =
        ChildJvm.run(Probe.class, List.of("-Duser.home=" + home), env(null, xdg.toString()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path folder = xdg.resolve("embedding-geometry").resolve("djl");
    assertThat(r.output()).contains("decoded=hello").contains("ENGINE_CACHE_DIR=" + folder);
    assertThat(holdsTheLibrary(folder.resolve("tokenizers"))).isTrue();
    assertThat(home.resolve(".djl.ai")).as("nothing in DJL's hidden default").doesNotExist();
  }

  @Test
  void withoutXdgCacheHomeTheDefaultIsUnderDotCache() throws Exception {
    Path home = Files.createDirectories(dir.resolve("writable-home"));
    ChildJvm.Result r = ChildJvm.run(Probe.class, List.of("-Duser.home=" + home), env(null, null));
    assertThat(r.exitCode()).as(r.output()).isZero();
    Path folder = home.resolve(".cache").resolve("embedding-geometry").resolve("djl");
    assertThat(r.output()).contains("ENGINE_CACHE_DIR=" + folder);
    assertThat(holdsTheLibrary(folder.resolve("tokenizers"))).isTrue();
    assertThat(home.resolve(".djl.ai")).doesNotExist();
  }
}
