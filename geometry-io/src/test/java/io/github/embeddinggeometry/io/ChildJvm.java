package io.github.embeddinggeometry.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the tests in a JVM of its own, on a class path made of this JVM's module and
 * class paths: for what must be seen from outside (a small heap, a home folder, environment
 * variables), never for timing.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** Exit status and everything the child wrote (stdout and stderr together). */
  public record Result(int exitCode, String output) {}

  /**
   * @param jvmArgs options before the main class
   * @param env changes to the environment; a null value removes the variable
   */
  public static Result run(
      Class<?> main, List<String> jvmArgs, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getValue() == null) {
        pb.environment().remove(e.getKey());
      } else {
        pb.environment().put(e.getKey(), e.getValue());
      }
    }
    Path log = Files.createTempFile("child-jvm", ".log");
    try {
      Process p = pb.redirectOutput(log.toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("child JVM " + main.getSimpleName() + " did not finish");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String key : List.of("jdk.module.path", "java.class.path")) {
      String v = System.getProperty(key);
      if (v != null && !v.isEmpty()) {
        parts.add(v);
      }
    }
    return String.join(java.io.File.pathSeparator, parts);
  }
}
