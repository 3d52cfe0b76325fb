package io.github.embeddinggeometry.examples;

import io.github.embeddinggeometry.cli.GeometryCli;
import io.github.embeddinggeometry.cli.GeometryCli.ExampleProgram;
import io.github.embeddinggeometry.examples.notebooks.ClusterReferenceFrame;
import io.github.embeddinggeometry.examples.notebooks.DensestPointNeighbourhood;
import io.github.embeddinggeometry.examples.notebooks.DensityFieldVisualization;
import io.github.embeddinggeometry.examples.notebooks.GpuBackend;
import io.github.embeddinggeometry.examples.notebooks.HuggingFaceFolder;
import io.github.embeddinggeometry.examples.notebooks.LocalDensityVsCausalNorm;
import io.github.embeddinggeometry.examples.notebooks.PairwiseDistances;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code ./geometry example NAME [FOLDER]} starts: the geometry command line with the notebook
 * programs handed to its {@code example} subcommand, which checks the arguments, locks a folder the
 * program writes into and reports a failure in one line with the command line's exit codes. The
 * programs live here, not in geometry-cli, so that nothing depends on this module.
 *
 * @since 0.1
 */
public final class Examples {
  private Examples() {}

  /** The programs by name, in the notebooks' order. */
  static Map<String, ExampleProgram> programs() {
    Map<String, ExampleProgram> p = new LinkedHashMap<>();
    p.put("pairwise", new ExampleProgram(PairwiseDistances::main, false, a -> null));
    p.put("density-field", new ExampleProgram(DensityFieldVisualization::main, false, a -> null));
    // frame writes its file into FOLDER (default out/examples).
    p.put(
        "frame",
        new ExampleProgram(
            ClusterReferenceFrame::main,
            true,
            a -> Path.of(a.isEmpty() ? ClusterReferenceFrame.FOLDER : a.get(0))));
    p.put("density-vs-norm", new ExampleProgram(LocalDensityVsCausalNorm::main, false, a -> null));
    p.put("densest", new ExampleProgram(DensestPointNeighbourhood::main, false, a -> null));
    p.put("gpu", new ExampleProgram(GpuBackend::main, false, a -> null));
    // hf-folder reads FOLDER; without one it writes the default model's folder, then reads it.
    p.put(
        "hf-folder",
        new ExampleProgram(
            HuggingFaceFolder::main,
            true,
            a -> a.isEmpty() ? HuggingFaceFolder.DEFAULT_FOLDER : null));
    return p;
  }

  /**
   * Runs the command line with the notebook programs and exits with its code.
   *
   * @param args the command line's arguments, e.g. {@code example frame out/x}
   */
  public static void main(String[] args) {
    GeometryCli.main(programs(), args);
  }
}
