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
import java.util.StringJoiner;
import java.util.TreeSet;
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
   * The house progress style: a long operation takes a {@link ProgressListener} as its last
   * parameter and has no overload without it (callers with nothing to report pass {@link
   * ProgressListener#NONE}), so each operation has one signature. Finds the public methods that
   * break it: an overload that differs from another only by a trailing listener (the one without
   * the listener is returned), and a method whose listener is not its last parameter.
   *
   * @param types the public types to check, from {@link #publicTypes}
   * @return one line per offending method, {@code Type.name(Param, ...): problem}, sorted
   */
  public static List<String> progressStyleViolations(List<Class<?>> types) {
    TreeSet<String> found = new TreeSet<>();
    for (Class<?> c : types) {
      if (c == ProgressListener.class) {
        continue; // its own helpers take the listener they poll
      }
      for (Method m : c.getMethods()) {
        Class<?>[] p = m.getParameterTypes();
        for (int i = 0; i < p.length - 1 && m.getDeclaringClass() == c; i++) {
          if (p[i] == ProgressListener.class) {
            found.add(signature(m) + ": the ProgressListener is not the last parameter");
          }
        }
        Class<?>[] with = Arrays.copyOf(p, p.length + 1);
        with[p.length] = ProgressListener.class;
        // One of the two declared here, the other possibly inherited from a supertype.
        for (Method o : c.getMethods()) {
          if ((m.getDeclaringClass() == c || o.getDeclaringClass() == c)
              && o.getName().equals(m.getName())
              && Modifier.isStatic(o.getModifiers()) == Modifier.isStatic(m.getModifiers())
              && Arrays.equals(o.getParameterTypes(), with)) {
            found.add(signature(m) + ": an overload of " + signature(o) + " without its listener");
          }
        }
      }
    }
    return new ArrayList<>(found);
  }

  private static String signature(Method m) {
    StringJoiner params = new StringJoiner(", ", "(", ")");
    for (Class<?> t : m.getParameterTypes()) {
      params.add(t.getSimpleName());
    }
    return m.getDeclaringClass().getName() + "." + m.getName() + params;
  }
}
