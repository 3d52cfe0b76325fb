package io.github.embeddinggeometry.spark;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The main class for {@code spark-submit}: the {@code geometry} command line itself ({@code
 * io.github.embeddinggeometry.cli.GeometryCli}, the geometry-cli module), with its inputs,
 * defaults, report keys and exit codes; {@code --spark MASTER} joins the context spark-submit
 * started. There is no second command line: this class only forwards, and says what is missing when
 * the command line's jars are not on the class path (geometry-spark/README.md).
 *
 * @since 0.1
 */
public final class SparkMain {
  private static final String CLI = "io.github.embeddinggeometry.cli.GeometryCli";

  private SparkMain() {}

  /**
   * Runs {@code geometry} with these arguments and exits the JVM with its code.
   *
   * @param args the arguments of {@code geometry}, e.g. {@code densest --spark yarn}
   */
  public static void main(String[] args) {
    Method main = cli("main", String[].class);
    if (main == null) {
      System.exit(2);
    }
    invoke(main, (Object) args);
  }

  /**
   * Runs {@code geometry} in-process without exiting (for tests and embedding).
   *
   * @param out the command's standard output
   * @param err the command's standard error: its one line per failure
   * @param args the arguments of {@code geometry}. Not modified.
   * @return the command's exit code; 2 when the command line is not on the class path
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Method run = cli("run", PrintStream.class, PrintStream.class, String[].class);
    if (run == null) {
      err.println(missing());
      return 2;
    }
    return (Integer) invoke(run, out, err, args);
  }

  private static Method cli(String name, Class<?>... types) {
    try {
      return Class.forName(CLI, true, SparkMain.class.getClassLoader()).getMethod(name, types);
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      if (name.equals("main")) {
        System.err.println(missing());
      }
      return null;
    }
  }

  private static String missing() {
    return "geometry-spark: the geometry command line ("
        + CLI
        + ") is not on the class path; add the geometry-cli jar and its dependencies with --jars"
        + " (geometry-spark/README.md)";
  }

  private static Object invoke(Method m, Object... args) {
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error x) {
        throw x;
      }
      throw new IllegalStateException(t);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
