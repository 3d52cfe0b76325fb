package io.github.embeddinggeometry.examples;

import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Output folders and files of the commands. */
final class Outputs {
  private Outputs() {}

  static Path folder(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserInputException("--out " + dir + ": cannot create the folder (" + e + ")", e);
    }
    if (!Files.isWritable(dir)) {
      throw new UserInputException("--out " + dir + ": folder is not writable");
    }
    return dir;
  }

  static void safetensors(Path file, List<Tensor> tensors) {
    try {
      SafetensorsWriter.write(file, tensors);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
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
