package io.github.embeddinggeometry.bench;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading Qwen3-4B's 151,936 x 2,560 bf16 embedding (778 MB) from a memory-mapped safetensors file
 * into float32 rows, against a plain bulk copy of the same bytes out of the same mapping (the
 * memory-bandwidth peer). GB/s = 778 MB of source bytes / time; the decode also writes twice as
 * many bytes as it reads, the copy as many.
 *
 * <p>The file (random bits, fixed seed, NaN patterns included) is written once per trial to the
 * temp directory and stays in the page cache, so this measures memory, not disk.
 *
 * <p>HOW TO RUN: {@code java -jar geometry-bench/target/benchmarks.jar Bf16DecodeBench -f 1 -wi 2
 * -i 3}.
 */
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g", "-Xms6g", "--add-modules", "jdk.incubator.vector"})
public class Bf16DecodeBench extends JmhDefaults {
  static final int ROWS = 151_936;
  static final int DIM = 2_560;
  private static final int ROWS_PER_TASK = 256;

  private Path file;
  private SafetensorsFile st;
  private Tensor w;
  private MappedByteBuffer raw;
  private float[] rows;
  private byte[] copy;

  /** Writes the file and maps it. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Files.createTempFile("bf16-bench", ".safetensors");
    long bytes = 2L * ROWS * DIM;
    String json =
        "{\"W\":{\"dtype\":\"BF16\",\"shape\":["
            + ROWS
            + ","
            + DIM
            + "],\"data_offsets\":[0,"
            + bytes
            + "]}}";
    json += " ".repeat((8 - json.length() % 8) % 8);
    byte[] h = json.getBytes(StandardCharsets.US_ASCII);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length).array());
      raf.write(h);
      byte[] block = new byte[1 << 24];
      new SplittableRandom(1).nextBytes(block);
      for (long done = 0; done < bytes; done += block.length) {
        raf.write(block, 0, (int) Math.min(block.length, bytes - done));
      }
    }
    st = SafetensorsFile.open(file);
    w = st.tensor("W");
    if (w.dtype() != DType.BF16) {
      throw new IllegalStateException("expected BF16");
    }
    try (FileChannel ch = FileChannel.open(file)) {
      raw = ch.map(FileChannel.MapMode.READ_ONLY, 8 + h.length, bytes);
    }
    rows = new float[ROWS * DIM];
    copy = new byte[(int) bytes];
  }

  /** Removes the file. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    st.close();
    Files.deleteIfExists(file);
  }

  /** Library path: decode into a caller's array, one thread. */
  @Benchmark
  public float[] decodeOneThread() {
    w.readFloats(0, rows, 0, rows.length);
    return rows;
  }

  /** Library path: decode into a caller's array, row blocks on all cores. */
  @Benchmark
  public float[] decodeAllThreads() {
    int tasks = (ROWS + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    IntStream.range(0, tasks)
        .parallel()
        .forEach(
            t -> {
              int r0 = t * ROWS_PER_TASK;
              int r1 = Math.min(ROWS, r0 + ROWS_PER_TASK);
              w.readFloats((long) r0 * DIM, rows, r0 * DIM, (r1 - r0) * DIM);
            });
    return rows;
  }

  /**
   * End to end: {@link Tensor#toEmbeddingMatrix(io.github.embeddinggeometry.ProgressListener)}
   * (allocates and zeroes 1.56 GB each call).
   */
  @Benchmark
  public EmbeddingMatrix toEmbeddingMatrix() {
    return w.toEmbeddingMatrix(ProgressListener.NONE);
  }

  /** Peer: bulk copy of the same mapped bytes into a byte array, one thread. */
  @Benchmark
  public byte[] copyOneThread() {
    raw.duplicate().get(copy);
    return copy;
  }

  /** Peer: bulk copy of the same mapped bytes, the same row blocks on all cores. */
  @Benchmark
  public byte[] copyAllThreads() {
    int tasks = (ROWS + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    IntStream.range(0, tasks)
        .parallel()
        .forEach(
            t -> {
              int r0 = t * ROWS_PER_TASK;
              int r1 = Math.min(ROWS, r0 + ROWS_PER_TASK);
              ByteBuffer b = raw.duplicate();
              b.position(2 * r0 * DIM);
              b.get(copy, 2 * r0 * DIM, 2 * (r1 - r0) * DIM);
            });
    return copy;
  }
}
