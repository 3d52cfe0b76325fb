package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.torch.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The small files the notebooks exchange (spec section 7), with their tensor names.
 *
 * @since 0.1
 */
public final class NotebookFiles {
  private NotebookFiles() {}

  /**
   * Writes {@code 1.4b_overdensity_distances.safetensors}: {@code distances} [n, n] f32 and
   * {@code spike_token_ids} [n] i64.
   *
   * @param distances row-major n x n. Not modified.
   * @param tokenIds n vocabulary ids, the rows' order. Not modified.
   */
  public static void writeOverdensityDistances(Path path, float[] distances, long[] tokenIds)
      throws IOException {
    int n = tokenIds.length;
    if ((long) n * n != distances.length) {
      throw new IllegalArgumentException(distances.length + " distances for " + n + " ids; need n x n");
    }
    SafetensorsWriter.write(path, List.of(
        Tensor.of("distances", distances, n, n),
        Tensor.of("spike_token_ids", tokenIds, n)));
  }

  /** Writes {@code 1.4h_cluster_tokens.safetensors}: {@code cluster_token_ids} [m] i64. */
  public static void writeClusterTokens(Path path, long[] clusterTokenIds) throws IOException {
    SafetensorsWriter.write(path,
        List.of(Tensor.of("cluster_token_ids", clusterTokenIds, clusterTokenIds.length)));
  }

  /**
   * Reads an integer id tensor (e.g. {@code cluster_token_ids}, {@code spike_token_ids}) from a
   * safetensors file.
   */
  public static long[] readIds(Path path, String tensor) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(path)) {
      return rank1Longs(path, f.tensor(tensor));
    }
  }

  /** Reads a float32 tensor's values and shape from a safetensors file (e.g. {@code distances}). */
  public static Tensor readTensorFully(Path path, String tensor) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(path)) {
      Tensor t = f.tensor(tensor);
      return Tensor.ofBytes(tensor, t.dtype(), t.toLittleEndianBytes(), t.shape());
    }
  }

  /** {@code token_indices} (int64 [n]) from a {@code torch.save}d dict such as distances_causal_32000.pt. */
  public static long[] readTorchTokenIndices(Path path) throws IOException {
    Map<String, Object> d = TorchCheckpoint.loadDict(path);
    return rank1Longs(path, tensorOrFail(path, d, "token_indices"));
  }

  /**
   * {@code M} (a d x d metric tensor) from a {@code torch.save}d dict such as
   * causal_metric_tensor_qwen3_4b.pt, as float64 row-major.
   */
  public static double[] readTorchMetricTensor(Path path) throws IOException {
    Map<String, Object> d = TorchCheckpoint.loadDict(path);
    Tensor m = tensorOrFail(path, d, "M");
    long[] s = m.shape();
    if (s.length != 2 || s[0] != s[1]) {
      throw new MalformedFileException(path.toString(), "M has shape " + Arrays.toString(s) + ", not d x d");
    }
    return m.toDoubleArray();
  }

  private static Tensor tensorOrFail(Path path, Map<String, Object> d, String key)
      throws MalformedFileException {
    Object v = d.get(key);
    if (!(v instanceof Tensor)) {
      throw new MalformedFileException(path.toString(), "entry \"" + key + "\" is "
          + (v == null ? "absent" : "not a tensor") + "; keys: " + d.keySet());
    }
    return (Tensor) v;
  }

  private static long[] rank1Longs(Path path, Tensor t) throws MalformedFileException {
    if (t.rank() != 1 || t.dtype().isFloatingPoint()) {
      throw new MalformedFileException(path.toString(), "tensor " + t.name() + " is " + t.dtype()
          + " " + Arrays.toString(t.shape()) + ", not a 1-D integer tensor");
    }
    return t.toLongArray();
  }
}
