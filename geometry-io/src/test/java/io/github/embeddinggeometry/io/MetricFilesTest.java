package io.github.embeddinggeometry.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.io.npy.NpyWriter;
import io.github.embeddinggeometry.io.safetensors.SafetensorsWriter;
import io.github.embeddinggeometry.io.torch.Pickle;
import io.github.embeddinggeometry.metric.CausalMetric;
import java.io.FileNotFoundException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric tensor M from every format the notebooks used, shape-checked before it is read. */
class MetricFilesTest {
  @TempDir Path dir;

  private static final double[] M = {2, 1, 1, 3};

  @Test
  void readsSafetensorsNpyAndTorch() throws Exception {
    Path st = dir.resolve("m.safetensors");
    SafetensorsWriter.write(st, List.of(Tensors.of("M", M, 2, 2), Tensors.of("other", M, 4)));
    assertThat(MetricFiles.read(st.toString(), 2).tensor()).containsExactly(M);
    Path only = dir.resolve("only.safetensors");
    SafetensorsWriter.write(only, List.of(Tensors.of("metric", M, 2, 2)));
    assertThat(MetricFiles.read(only.toString(), 2).tensor()).containsExactly(M);
    assertThat(MetricFiles.read(st + ":M", 2).tensor()).containsExactly(M);

    Path npy = dir.resolve("m.npy");
    NpyWriter.write(npy, Tensors.of("", M, 2, 2));
    CausalMetric fromNpy = MetricFiles.read(npy.toString(), 2);
    assertThat(fromNpy.choleskyLower()[0]).isEqualTo(Math.sqrt(2));

    Pickle p = new Pickle();
    p.op('}').put().mark();
    p.str("M").tensor("FloatStorage", "0", 4, 0, new int[] {2, 2}, new int[] {2, 1});
    p.op('u');
    Path pt = dir.resolve("causal_metric_tensor.pt");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : M) {
      b.putFloat((float) v);
    }
    Pickle.zip(pt, p.stop(), Map.of("0", b.array()));
    assertThat(MetricFiles.read(pt.toString(), 2).tensor()).containsExactly(M);
  }

  @Test
  void refusesWrongShapesMissingFilesAndSpecialFiles() throws Exception {
    Path st = dir.resolve("m.safetensors");
    SafetensorsWriter.write(st, List.of(Tensors.of("M", M, 2, 2)));
    assertThatThrownBy(() -> MetricFiles.read(st.toString(), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 2]")
        .hasMessageContaining("[3, 3]");
    assertThatThrownBy(() -> MetricFiles.read(st + ":N", 2)).hasMessageContaining("no tensor 'N'");
    assertThatThrownBy(() -> MetricFiles.read(dir.resolve("none.pt").toString(), 2))
        .isInstanceOf(FileNotFoundException.class);
    Path folder = Files.createDirectory(dir.resolve("folder.npy"));
    assertThatThrownBy(() -> MetricFiles.read(folder.toString(), 2))
        .hasMessageContaining("not a regular file");
    Path asym = dir.resolve("asym.npy");
    NpyWriter.write(asym, Tensors.of("", new double[] {1, 2, 3, 4}, 2, 2));
    assertThatThrownBy(() -> MetricFiles.read(asym.toString(), 2))
        .hasMessageContaining("not symmetric");
  }
}
