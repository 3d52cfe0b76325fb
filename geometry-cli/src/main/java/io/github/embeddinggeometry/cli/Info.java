package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.backend.Backends;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code geometry info}: what this machine and JVM compute with, so that a slow run can be
 * explained without a profiler: the CPU, the vector width, the tile kernel with its calibrated rate
 * and every candidate's, the JDK and the backend {@code Backends.get()} chooses.
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "CPU, vector lanes, the CPU kernel chosen by calibration with every candidate's"
            + " GFLOP/s, the JDK and the backend.")
final class Info implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (String line : Backends.cpuReport()) {
      out.println(line);
    }
    String backend;
    try {
      backend = Backends.get().description();
    } catch (UnsupportedOperationException e) {
      // -Dembgeo.backend names one that cannot run here: say why, as the analyses would.
      out.println("backend:      none: " + e.getMessage());
      out.flush();
      return Failures.BAD_INPUT;
    }
    out.println("backend:      " + backend);
    out.flush();
    return Failures.OK;
  }
}
