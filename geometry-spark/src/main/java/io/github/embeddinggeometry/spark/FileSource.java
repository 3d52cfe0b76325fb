package io.github.embeddinggeometry.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.embeddinggeometry.io.HfModelDirectory;
import io.github.embeddinggeometry.io.Tensors;
import io.github.embeddinggeometry.io.npy.NpyFile;
import io.github.embeddinggeometry.io.safetensors.SafetensorsFile;
import io.github.embeddinggeometry.io.safetensors.TensorInfo;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.MalformedFileException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * W in a file every executor can reach (a shared folder, {@code hdfs://}, {@code s3a://}, any
 * Hadoop file system): the driver reads and checks only the header, each task reads only its
 * block's byte range ({@link #read}). Safetensors files (with an optional {@code :TENSOR}), {@code
 * .npy} files (C order) and Hugging Face model folders (sharded or not) are read; the tensor is
 * chosen by the rules of {@code EmbeddingSources}, and its values widen to float32 the same way.
 */
final class FileSource implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Bytes a task converts at a time: a block can exceed one Java array of bytes. */
  private static final int CHUNK_BYTES = 1 << 24;

  final String file;
  final String name;
  final DType dtype;
  final boolean bigEndian;
  final int rows;
  final int dim;
  final long dataOffset;

  private FileSource(
      String file,
      String name,
      DType dtype,
      boolean bigEndian,
      long[] shape,
      long dataOffset,
      String source)
      throws MalformedFileException {
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' in "
              + source
              + " has "
              + shape.length
              + " dimensions; need a 2-D [rows, dim] matrix");
    }
    if (shape[0] > Integer.MAX_VALUE - 8 || shape[1] > Integer.MAX_VALUE / 64 || shape[1] < 1) {
      throw new MalformedFileException(
          source,
          "tensor '" + name + "' of shape [" + shape[0] + ", " + shape[1] + "] is out of range");
    }
    this.file = file;
    this.name = name;
    this.dtype = dtype;
    this.bigEndian = bigEndian;
    this.rows = (int) shape[0];
    this.dim = (int) shape[1];
    this.dataOffset = dataOffset;
  }

  /**
   * Resolves a spec ({@code FILE.safetensors[:TENSOR]}, {@code FILE.npy} or a model folder, as a
   * path or any Hadoop URI) on the driver, reading headers only.
   */
  static FileSource resolve(String spec, Configuration conf) throws IOException {
    Path path = new Path(spec);
    FileSystem fs = path.getFileSystem(conf);
    String tensor = null;
    if (!fs.exists(path)) {
      int colon = spec.lastIndexOf(':');
      if (colon > spec.lastIndexOf('/') && colon > 0) {
        Path p = new Path(spec.substring(0, colon));
        if (p.getFileSystem(conf).exists(p)) {
          path = p;
          fs = p.getFileSystem(conf);
          tensor = spec.substring(colon + 1);
        }
      }
      if (tensor == null) {
        throw new FileNotFoundException(
            spec
                + ": no such file or folder (expected FILE.safetensors[:TENSOR], FILE.npy or a"
                + " model folder)");
      }
    }
    if (fs.getFileStatus(path).isDirectory()) {
      return folder(fs, path, tensor);
    }
    String lower = path.getName().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".safetensors")) {
      return safetensors(fs, path, tensor, null);
    }
    if (lower.endsWith(".npy")) {
      if (tensor != null) {
        throw new IllegalArgumentException(
            path + ": a .npy file holds one array; drop ':" + tensor + "'");
      }
      return npy(fs, path);
    }
    throw new IllegalArgumentException(
        path + ": on a cluster W is read from .safetensors, .npy or a model folder");
  }

  private static FileSource npy(FileSystem fs, Path path) throws IOException {
    long size = fs.getFileStatus(path).getLen();
    byte[] head = new byte[(int) Math.min(size, 12 + NpyFile.MAX_HEADER_BYTES)];
    try (FSDataInputStream in = fs.open(path)) {
      in.readFully(0, head);
    }
    NpyFile.Layout l = NpyFile.layout(path.toString(), head, size);
    if (l.fortranOrder() && l.shape().length == 2 && l.shape()[0] > 1 && l.shape()[1] > 1) {
      throw new IllegalArgumentException(
          path + ": a Fortran-order .npy has no contiguous rows; save it in C order");
    }
    return new FileSource(
        path.toString(),
        "array",
        l.dtype(),
        l.byteOrder() == ByteOrder.BIG_ENDIAN,
        l.shape(),
        l.dataOffset(),
        path.toString());
  }

  /** A safetensors file; {@code names} lists the acceptable defaults when no tensor is named. */
  private static FileSource safetensors(FileSystem fs, Path path, String tensor, String fixed)
      throws IOException {
    long size = fs.getFileStatus(path).getLen();
    byte[] header;
    try (FSDataInputStream in = fs.open(path)) {
      if (size < 8) {
        throw new MalformedFileException(
            path.toString(), "file of " + size + " bytes is too short for a safetensors header");
      }
      byte[] len = new byte[8];
      in.readFully(0, len);
      long n = java.nio.ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n < 0 || n > SafetensorsFile.MAX_HEADER_BYTES || 8 + n > size) {
        throw new MalformedFileException(
            path.toString(), "header length " + n + " does not fit the file of " + size + " bytes");
      }
      header = new byte[(int) n];
      in.readFully(8, header);
    }
    List<TensorInfo> all = SafetensorsFile.layout(path.toString(), header, size);
    String t = fixed != null ? fixed : tensor != null ? tensor : defaultName(all, path);
    for (TensorInfo i : all) {
      if (i.name().equals(t)) {
        return new FileSource(
            path.toString(),
            t,
            i.dtype(),
            false,
            i.shape(),
            8 + header.length + i.begin(),
            path.toString());
      }
    }
    throw new IllegalArgumentException("no tensor '" + t + "' in " + path);
  }

  /** The rule of EmbeddingSources for a file named without a tensor. */
  private static String defaultName(List<TensorInfo> all, Path path) {
    if (all.size() == 1) {
      return all.get(0).name();
    }
    List<String> names = new ArrayList<>();
    all.forEach(i -> names.add(i.name()));
    List<String> preferred = new ArrayList<>();
    preferred.add(HfModelDirectory.OUTPUT_EMBEDDING_NAME);
    preferred.addAll(HfModelDirectory.INPUT_EMBEDDING_NAMES);
    preferred.add("W");
    for (String p : preferred) {
      if (names.contains(p)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        path
            + " holds "
            + all.size()
            + " tensors and none is a known embedding; name one as "
            + path
            + ":TENSOR");
  }

  /**
   * A model folder: W's name comes from {@link HfModelDirectory#embeddingTensorName} itself, run on
   * a local copy of config.json and the tensor list (the folder's own rule, not a copy of it).
   */
  private static FileSource folder(FileSystem fs, Path dir, String tensor) throws IOException {
    Path index = new Path(dir, "model.safetensors.index.json");
    Path single = new Path(dir, "model.safetensors");
    Map<String, String> weightMap = new HashMap<>();
    if (fs.exists(index)) {
      JsonNode root = new ObjectMapper().readTree(readAll(fs, index));
      JsonNode wm = root == null ? null : root.get("weight_map");
      if (wm == null || !wm.isObject()) {
        throw new MalformedFileException(index.toString(), "shard index has no \"weight_map\"");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        weightMap.put(e.getKey(), e.getValue().asText());
      }
    } else if (fs.exists(single)) {
      for (TensorInfo i : safetensorsNames(fs, single)) {
        weightMap.put(i.name(), "model.safetensors");
      }
    } else {
      throw new FileNotFoundException(
          dir + ": no model.safetensors or model.safetensors.index.json");
    }
    String name = tensor;
    if (name == null) {
      java.nio.file.Path tmp = Files.createTempDirectory("embgeo-folder");
      try {
        Path config = new Path(dir, "config.json");
        if (fs.exists(config)) {
          Files.write(tmp.resolve("config.json"), readAll(fs, config));
        }
        Map<String, Object> idx = Map.of("weight_map", weightMap);
        Files.write(
            tmp.resolve("model.safetensors.index.json"), new ObjectMapper().writeValueAsBytes(idx));
        try (HfModelDirectory d = HfModelDirectory.open(tmp)) {
          name = d.embeddingTensorName();
        } catch (MalformedFileException e) {
          throw new MalformedFileException(dir.toString(), e.getMessage());
        }
      } finally {
        for (String f : new String[] {"config.json", "model.safetensors.index.json"}) {
          Files.deleteIfExists(tmp.resolve(f));
        }
        Files.deleteIfExists(tmp);
      }
    }
    String shard = weightMap.get(name);
    if (shard == null || shard.isEmpty() || shard.contains("/") || shard.startsWith(".")) {
      throw new IllegalArgumentException(dir + " has no tensor \"" + name + "\" in its shards");
    }
    return safetensors(fs, new Path(dir, shard), null, name);
  }

  private static List<TensorInfo> safetensorsNames(FileSystem fs, Path file) throws IOException {
    long size = fs.getFileStatus(file).getLen();
    try (FSDataInputStream in = fs.open(file)) {
      byte[] len = new byte[8];
      in.readFully(0, len);
      long n = java.nio.ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n < 0 || n > SafetensorsFile.MAX_HEADER_BYTES || 8 + n > size) {
        throw new MalformedFileException(file.toString(), "header length " + n + " out of range");
      }
      byte[] header = new byte[(int) n];
      in.readFully(8, header);
      return SafetensorsFile.layout(file.toString(), header, size);
    }
  }

  private static byte[] readAll(FileSystem fs, Path p) throws IOException {
    FileStatus st = fs.getFileStatus(p);
    if (st.getLen() > 64 << 20) {
      throw new MalformedFileException(p.toString(), "over 64 MiB; not a config or index file");
    }
    byte[] b = new byte[(int) st.getLen()];
    try (FSDataInputStream in = fs.open(p)) {
      in.readFully(0, b);
    }
    return b;
  }

  /**
   * Reads rows {@code [from, to)} (ids = row positions) on an executor: one positioned read of the
   * block's byte range, converted chunk by chunk to float32.
   */
  RowBlock read(Configuration conf, int index, int from, int to) throws IOException {
    int n = to - from;
    float[] data = new float[Math.multiplyExact(n, dim)];
    Path path = new Path(file);
    try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
      read(in, from, n, data, 0);
    }
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = from + i;
    }
    return new RowBlock(index, from, dim, ids, data).requireFinite();
  }

  /**
   * Reads single rows (a sample) through one open stream, row-major in one array: a block's read
   * per row would open the file once a row.
   *
   * @throws NonFiniteRowException for a value that is NaN or infinite
   */
  float[] readRows(Configuration conf, int[] rows) throws IOException {
    float[] data = new float[Math.multiplyExact(rows.length, dim)];
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    // A checksummed local file system re-buffers on every seek, half a millisecond a row; the
    // sample only places the window of the exact median, never a result, so its raw file serves.
    if (fs instanceof org.apache.hadoop.fs.ChecksumFileSystem c) {
      fs = c.getRawFileSystem();
    }
    try (FSDataInputStream in = fs.open(path)) {
      for (int i = 0; i < rows.length; i++) {
        read(in, rows[i], 1, data, i * dim);
      }
    }
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        int row = rows[i / dim];
        throw new NonFiniteRowException(row, row, i % dim, data[i]);
      }
    }
    return data;
  }

  /** Rows {@code [from, from + n)} into {@code data} at {@code at}, chunk by chunk. */
  private void read(FSDataInputStream in, int from, int n, float[] data, int at)
      throws IOException {
    int es = dtype.bytes();
    long first = dataOffset + (long) from * dim * es;
    long total = (long) n * dim * es;
    int perChunk = Math.max(1, CHUNK_BYTES / es);
    byte[] buf = new byte[(int) Math.min(total, (long) perChunk * es)];
    long done = 0;
    while (done < total) {
      int len = (int) Math.min(buf.length, total - done);
      in.readFully(first + done, buf, 0, len);
      if (bigEndian && es > 1) {
        swap(buf, len, es);
      }
      byte[] chunk = len == buf.length ? buf : java.util.Arrays.copyOf(buf, len);
      int elems = len / es;
      Tensors.ofBytes(name, dtype, chunk, elems).readFloats(0, data, at + (int) (done / es), elems);
      done += len;
    }
  }

  private static void swap(byte[] b, int len, int es) {
    for (int o = 0; o < len; o += es) {
      for (int i = 0, j = es - 1; i < j; i++, j--) {
        byte t = b[o + i];
        b[o + i] = b[o + j];
        b[o + j] = t;
      }
    }
  }

  /** The Hadoop configuration as plain pairs, to ship to the executors. */
  static HashMap<String, String> pairs(Configuration conf) {
    HashMap<String, String> m = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  /** The configuration back from its pairs. */
  static Configuration configuration(Map<String, String> pairs) {
    Configuration c = new Configuration(false);
    pairs.forEach(c::set);
    return c;
  }

  @Override
  public String toString() {
    return file
        + (name.equals("array") ? "" : ":" + name)
        + " ["
        + rows
        + " x "
        + dim
        + ", "
        + dtype
        + "]";
  }
}
