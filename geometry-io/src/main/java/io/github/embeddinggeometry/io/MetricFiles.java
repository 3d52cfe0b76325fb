package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.io.internal.Excerpt;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.internal.RegularFiles;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.tensor.Tensor;
import io.github.embeddinggeometry.io.torch.TorchCheckpoint;
import io.github.embeddinggeometry.metric.CausalMetric;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads a causal metric tensor M (d x d, symmetric positive definite) from a file, the way the
 * notebooks saved it: {@code FILE.pt[:KEY]} (a {@code torch.save}d dict, key {@code M} by default,
 * read without executing anything), {@code FILE.safetensors[:TENSOR]} ({@code M}, or the only
 * tensor) or {@code FILE.npy}. The shape is checked against the expected d from the file's header
 * before a single element is read, so a wrong file costs no memory.
 *
 * @since 0.1
 */
public final class MetricFiles {
  private MetricFiles() {}

  /**
   * Reads M for rows of dimension {@code dim}.
   *
   * @param spec {@code FILE.pt[:KEY]}, {@code FILE.safetensors[:TENSOR]} or {@code FILE.npy}
   * @param dim d, the row length of the embedding matrix M is for
   * @return the metric with its Cholesky factor
   * @throws FileNotFoundException if the file does not exist
   * @throws IllegalArgumentException for an unknown file type, a missing tensor, a shape other than
   *     [dim, dim], or a tensor that is not finite, symmetric and positive definite
   * @throws IOException if reading fails; a {@link
   *     io.github.embeddinggeometry.io.tensor.MalformedFileException} for a broken file
   */
  public static CausalMetric read(String spec, int dim) throws IOException {
    Objects.requireNonNull(spec, "spec");
    if (dim < 1) {
      throw new IllegalArgumentException("dimension must be at least 1; got " + dim);
    }
    SpecPath sp = SpecPath.parse(spec, "FILE.pt[:KEY], FILE.safetensors[:TENSOR] or FILE.npy");
    Path path = sp.path();
    String name = sp.name();
    RegularFiles.require(path);
    String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".pt") || file.endsWith(".pth")) {
      Tensor t = TorchCheckpoint.tensor(TorchCheckpoint.loadDict(path), name != null ? name : "M");
      return metric(t, path, dim);
    }
    if (file.endsWith(".safetensors")) {
      try (SafetensorsFile f = SafetensorsFile.open(path)) {
        String t =
            name != null
                ? name
                : f.contains("M") || f.tensors().size() != 1 ? "M" : f.tensors().get(0).name();
        if (!f.contains(t)) {
          throw new IllegalArgumentException(
              "no tensor '"
                  + t
                  + "' in "
                  + path
                  + " (tensors: "
                  + Excerpt.names(f.tensors().stream().map(i -> i.name()).toList(), 8)
                  + ")");
        }
        return metric(f.tensor(t), path, dim);
      }
    }
    if (file.endsWith(".npy")) {
      try (NpyFile f = NpyFile.open(path)) {
        return metric(f.tensor(), path, dim);
      }
    }
    throw new IllegalArgumentException(
        path + ": unknown file type for a metric tensor (expected .pt, .safetensors or .npy)");
  }

  private static CausalMetric metric(Tensor t, Path path, int dim) {
    long[] s = t.shape();
    if (s.length != 2 || s[0] != dim || s[1] != dim) {
      throw new IllegalArgumentException(
          path
              + ": metric tensor "
              + Excerpt.quote(t.name())
              + " has shape "
              + RegionTensor.shapeText(s)
              + ", the rows need ["
              + dim
              + ", "
              + dim
              + "]");
    }
    return CausalMetric.of(t.toDoubleArray(), dim);
  }
}
