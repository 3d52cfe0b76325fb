package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.cli.output.AtomicFiles;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Output folders and files of the commands. Every file goes through {@link AtomicFiles} (whole or
 * not at all, links at the target replaced, never followed); a step's {@code report.json} is
 * removed when the step starts and written last, so it marks a complete folder.
 */
final class Outputs {
  static final String REPORT = "report.json";

  /** The page made from the report ({@link ReportPage}), written just before it. */
  static final String PAGE = "index.html";

  private Outputs() {}

  /** The steps of {@code geometry all}, in order, each into the folder of its name. */
  static final List<String> STEPS = Steps.NAMES;

  /**
   * The files each step writes besides report.json, by step name: what the run compares with its
   * inputs before it writes anything (GeometryCliTest checks that every report lists only these).
   */
  static final Map<String, List<String>> STEP_FILES =
      Map.of(
          "pairwise", List.of(PairwiseStep.MATRIX_FILE, "pairwise_distances.png"),
          "density-field",
              List.of(
                  "density_field_mollweide.png",
                  "density_field_polar.png",
                  "density_field_zoom.png"),
          "clusters", List.of(ClustersStep.FILE, "cluster_nn_distances.png"),
          "frame", List.of(FrameStep.FILE, "variance_explained.png"),
          "density-vs-norm",
              List.of(
                  "density_vs_norm.png", "volumetric_density_vs_norm.png", "radial_profile.png"),
          "densest", List.of("densest_causal_neighbors.png", "densest_cosine_neighbors.png"));

  /**
   * The folder a step writes into, created if missing: {@code root} itself when {@code sub} is null
   * (the user's {@code --out}, which may be a link), else the real folder {@code root/sub}, never a
   * link.
   */
  static Path folder(Path root, String sub) {
    Path dir = sub == null ? root : root.resolve(sub);
    try {
      Files.createDirectories(root);
      if (sub != null) {
        if (Files.isSymbolicLink(dir)) {
          throw new UserInputException(
              dir
                  + " is a symbolic link: the command writes only into real folders under --out;"
                  + " remove it or choose another --out");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(dir);
        }
      }
    } catch (IOException e) {
      throw new UserInputException("--out " + dir + ": cannot create the folder (" + e + ")", e);
    }
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new UserInputException("--out " + dir + ": not a writable folder");
    }
    return dir;
  }

  /**
   * The folder a step writes into ({@link #folder}), ready for a new run: its previous report.json
   * and page are removed first, so an interrupted rerun never leaves an old report beside new data.
   */
  static Path stepFolder(Path root, String sub) {
    Path dir = folder(root, sub);
    remove(dir.resolve(REPORT));
    remove(dir.resolve(PAGE));
    return dir;
  }

  /** A safetensors file, written atomically. */
  static void safetensors(Path file, List<Tensor> tensors) {
    long bytes = tensors.stream().mapToLong(t -> t.numel() * t.dtype().bytes()).sum();
    AtomicFiles.write(file, bytes, ch -> SafetensorsWriter.write(ch, Map.of(), tensors));
  }

  /** Removes a file this step did not write this time, so it cannot pass for a result. */
  static void remove(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the old " + file, e);
    }
  }

  static long[] longs(int[] ids) {
    long[] out = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }
}
