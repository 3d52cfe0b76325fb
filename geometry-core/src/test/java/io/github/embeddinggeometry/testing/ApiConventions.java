package io.github.embeddinggeometry.testing;

import io.github.embeddinggeometry.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Conventions every module's public API keeps, checked by reflection over the classes of its
 * exported (non-internal) packages.
 */
public final class ApiConventions {
  private ApiConventions() {}

  /**
   * The public types declared in the exported packages of a module's sources (top-level types from
   * the file names, nested public types by reflection).
   *
   * @param sourceRoot the module's {@code src/main/java}
   */
  public static List<Class<?>> publicTypes(Path sourceRoot) {
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String rel = sourceRoot.relativize(f).toString().replace('\\', '/');
        String file = f.getFileName().toString();
        if (rel.contains("/internal/") || !rel.contains("/") || file.contains("-")) {
          continue; // internal packages, module-info.java, package-info.java
        }
        String name = rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
        Class<?> c = Class.forName(name, false, ApiConventions.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers())) {
          out.add(c);
          out.addAll(Arrays.asList(c.getClasses()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /**
   * Public methods whose last parameter is a {@link ProgressListener} but that have no overload of
   * the same name, static-ness and the other parameters: a caller who does not want progress must
   * never have to pass {@link ProgressListener#NONE}. {@link ProgressListener}'s own helpers are
   * not counted.
   *
   * @return one line per such method
   */
  public static List<String> progressMethodsWithoutOverload(List<Class<?>> types) {
    List<String> missing = new ArrayList<>();
    for (Class<?> c : types) {
      for (Method m : c.getMethods()) {
        Class<?>[] p = m.getParameterTypes();
        if (m.getDeclaringClass() != c
            || c == ProgressListener.class
            || p.length == 0
            || p[p.length - 1] != ProgressListener.class) {
          continue;
        }
        Class<?>[] without = Arrays.copyOf(p, p.length - 1);
        boolean found =
            Arrays.stream(c.getMethods())
                .anyMatch(
                    o ->
                        o.getName().equals(m.getName())
                            && Modifier.isStatic(o.getModifiers())
                                == Modifier.isStatic(m.getModifiers())
                            && Arrays.equals(o.getParameterTypes(), without));
        if (!found) {
          missing.add(c.getName() + "." + m.getName() + Arrays.toString(p));
        }
      }
    }
    return missing;
  }
}
