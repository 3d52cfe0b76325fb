package io.github.embeddinggeometry.io;

import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.internal.RegionTensor;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reference frame files (see <a
 * href="{@docRoot}/io/github/embeddinggeometry/io/doc-files/definitions.html#reference-frame-file">reference
 * frame file</a>): a safetensors file with {@code cluster_centroid} [d], {@code W_eigenvalues} [d]
 * and {@code W_eigenvectors} [d, d] (row-major, columns are PCs), all float32, as notebook 1.6a
 * writes them.
 *
 * <p>The frame's float64 eigen-data is rounded to float32 on saving; loading widens exactly, so
 * saving a loaded frame reproduces the file's tensors bit for bit.
 *
 * @since 0.1
 */
public final class ReferenceFrameFiles {
  private ReferenceFrameFiles() {}

  /** Tensor names. */
  public static final String CENTROID = "cluster_centroid";

  /** Eigenvalues tensor. */
  public static final String EIGENVALUES = "W_eigenvalues";

  /** Eigenvectors tensor. */
  public static final String EIGENVECTORS = "W_eigenvectors";

  /**
   * Writes a frame, whole or not at all (temporary file, then rename); its origin is stored as the
   * centroid.
   *
   * @param path the file to write; replaced if it exists
   * @param frame a full frame (d PCs)
   * @throws IllegalArgumentException if the frame holds fewer than d PCs (e.g. from {@code
   *     Pca.top}): the file layout is a full d x d basis
   * @throws IOException if writing fails
   */
  public static void save(Path path, ReferenceFrame frame) throws IOException {
    SafetensorsWriter.write(path, tensors(String.valueOf(path), frame));
  }

  /**
   * Writes a frame's file bytes to a channel the caller owns, for callers that place the file
   * themselves (temporary file, fsync, atomic rename).
   *
   * @param out receives the file's bytes; left open. Modified.
   * @param frame a full frame (d PCs)
   * @throws IllegalArgumentException as {@link #save(Path, ReferenceFrame)}
   * @throws IOException if writing fails
   * @since 0.1
   */
  public static void save(WritableByteChannel out, ReferenceFrame frame) throws IOException {
    SafetensorsWriter.write(out, Map.of(), tensors("the reference frame file", frame));
  }

  private static List<Tensor> tensors(String target, ReferenceFrame frame) {
    int d = frame.dim();
    if (!frame.isFull()) {
      throw new IllegalArgumentException(
          "cannot save "
              + target
              + ": the reference frame holds "
              + frame.components()
              + " of "
              + d
              + " PCs; the file layout needs all "
              + d
              + " (compute it with Pca.fit)");
    }
    return List.of(
        Tensors.of(CENTROID, frame.origin(), d),
        Tensors.of(EIGENVALUES, toFloats(frame.eigenvalues()), d),
        Tensors.of(EIGENVECTORS, toFloats(frame.eigenvectors()), d, d));
  }

  /**
   * Reads a frame.
   *
   * @param path a reference frame file
   * @return the frame, widened exactly from float32
   * @throws MalformedFileException if a tensor is missing or shapes disagree
   * @throws IOException if reading fails
   */
  public static ReferenceFrame load(Path path) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(path)) {
      for (String n : List.of(CENTROID, EIGENVALUES, EIGENVECTORS)) {
        if (!f.contains(n)) {
          throw new MalformedFileException(
              path.toString(), "reference frame file lacks tensor " + n);
        }
      }
      Tensor c = f.tensor(CENTROID);
      Tensor l = f.tensor(EIGENVALUES);
      Tensor v = f.tensor(EIGENVECTORS);
      long d = l.numel();
      if (l.rank() != 1
          || c.rank() != 1
          || c.numel() != d
          || v.rank() != 2
          || !Arrays.equals(v.shape(), new long[] {d, d})) {
        throw new MalformedFileException(
            path.toString(),
            "reference frame shapes disagree: "
                + CENTROID
                + " "
                + RegionTensor.shapeText(c.shape())
                + ", "
                + EIGENVALUES
                + " "
                + RegionTensor.shapeText(l.shape())
                + ", "
                + EIGENVECTORS
                + " "
                + RegionTensor.shapeText(v.shape()));
      }
      return ReferenceFrame.of(c.toFloatArray(), l.toDoubleArray(), v.toDoubleArray());
    }
  }

  private static float[] toFloats(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  /**
   * Whether the file holds exactly {@code expected}: read back as a frame (which checks tensor
   * names and shapes), the file is byte for byte what the frame read back and {@code expected} save
   * to. A comparison with a tolerance would pass a wrong rounding.
   *
   * @param file a file written by {@link #save(Path, ReferenceFrame)}
   * @param expected the frame meant to be in it
   * @return true when the file holds exactly that frame
   * @throws IOException if the file cannot be read
   * @throws MalformedFileException if it is not a reference frame file
   */
  public static boolean matches(Path file, ReferenceFrame expected) throws IOException {
    byte[] written = Files.readAllBytes(file);
    return Arrays.equals(written, bytes(load(file))) && Arrays.equals(written, bytes(expected));
  }

  private static byte[] bytes(ReferenceFrame frame) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    save(Channels.newChannel(b), frame);
    return b.toByteArray();
  }
}
