package io.github.embeddinggeometry.io.internal;

import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.backend.spi.Parallel;
import io.github.embeddinggeometry.backend.spi.cpu.CpuEngine;
import io.github.embeddinggeometry.io.tensor.DType;
import io.github.embeddinggeometry.io.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A {@link Tensor} over a {@link ByteRegion}: dtype, shape, element strides and offset, byte order.
 * Conversion works on contiguous runs in chunks: bulk copies into a small scratch array, then a
 * plain loop the JIT vectorises; bf16 goes through core's Vector API widening (C2 does not
 * vectorise the shift-and-reinterpret loop by itself).
 */
public final class RegionTensor implements Tensor {
  /** Elements per conversion chunk: the scratch array stays in L1/L2 cache. */
  private static final int CHUNK = 1 << 13;

  private static final BooleanSupplier ALWAYS_OPEN = () -> true;

  private final String source;
  private final String name;
  private final DType dtype;
  private final long[] shape;

  /** Element strides, or null for C-contiguous. */
  private final long[] strides;

  private final long offset;
  private final ByteRegion region;
  private final ByteOrder order;
  private final BooleanSupplier open;

  /**
   * @param strides element strides, non-negative, or null for C order
   * @param offset element offset of element 0 in {@code region}
   * @param open false once the owning file is closed
   * @throws IllegalArgumentException if an element would lie outside the region
   */
  public RegionTensor(
      String source,
      String name,
      DType dtype,
      long[] shape,
      long[] strides,
      long offset,
      ByteRegion region,
      ByteOrder order,
      BooleanSupplier open) {
    this.source = source;
    this.name = name;
    this.dtype = Objects.requireNonNull(dtype);
    this.shape = shape.clone();
    this.region = region;
    this.order = order;
    this.open = open == null ? ALWAYS_OPEN : open;
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "negative dimension " + d + " in shape " + shapeText(shape));
      }
      n = d == 0 || n == 0 ? 0 : multiply(n, d, shape);
    }
    long[] c = contiguousStrides(shape);
    this.strides = strides == null || Arrays.equals(strides, c) ? null : strides.clone();
    this.offset = offset;
    if (n == 0) {
      return; // nothing is ever read; huge dims beside a zero are legal
    }
    long last = offset; // largest element index touched
    for (int k = 0; k < shape.length; k++) {
      long s = this.strides == null ? c[k] : this.strides[k];
      if (s < 0) {
        throw new IllegalArgumentException("negative stride " + s);
      }
      last = add(last, multiply(shape[k] - 1, s, shape), shape);
    }
    long need = multiply(add(last, 1, shape), dtype.bytes(), shape);
    if (offset < 0 || need > region.size()) {
      throw new IllegalArgumentException(
          "elements up to index "
              + last
              + " (offset "
              + offset
              + ") of "
              + dtype
              + " need "
              + need
              + " bytes but the data holds "
              + region.size());
    }
  }

  private static long multiply(long a, long b, long[] shape) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("shape " + shapeText(shape) + " overflows 64 bits");
    }
  }

  private static long add(long a, long b, long[] shape) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("shape " + shapeText(shape) + " overflows 64 bits");
    }
  }

  /** A shape for a message: a file may give a tensor thousands of dimensions. */
  public static String shapeText(long[] shape) {
    return Excerpt.token(Arrays.toString(shape));
  }

  /** C-order element strides of a shape (overflow-checked). */
  public static long[] contiguousStrides(long[] shape) {
    long[] s = new long[shape.length];
    long acc = 1;
    for (int k = shape.length - 1; k >= 0; k--) {
      s[k] = acc;
      // Saturates: only a tensor with a zero dimension (never read) can get here with overflow.
      long next = acc * Math.max(shape[k], 1);
      acc =
          Math.max(shape[k], 1) != 0 && next / Math.max(shape[k], 1) != acc ? Long.MAX_VALUE : next;
    }
    return s;
  }

  public static RegionTensor ofFloats(String name, float[] data, long[] shape) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.multiplyExact(data.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return heap(name, DType.F32, b, shape);
  }

  public static RegionTensor ofDoubles(String name, double[] data, long[] shape) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.multiplyExact(data.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(data);
    return heap(name, DType.F64, b, shape);
  }

  public static RegionTensor ofLongs(String name, long[] data, long[] shape) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.multiplyExact(data.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return heap(name, DType.I64, b, shape);
  }

  public static RegionTensor ofBytes(String name, DType dtype, byte[] le, long[] shape) {
    return heap(name, dtype, ByteBuffer.wrap(le.clone()), shape);
  }

  private static RegionTensor heap(String name, DType dtype, ByteBuffer b, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + shapeText(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    if (n * dtype.bytes() != b.capacity()) {
      throw new IllegalArgumentException(
          "shape "
              + shapeText(shape)
              + " of "
              + dtype
              + " needs "
              + n * dtype.bytes()
              + " bytes; got "
              + b.capacity());
    }
    return new RegionTensor(
        "memory",
        name,
        dtype,
        shape,
        null,
        0,
        ByteRegion.of(b),
        ByteOrder.LITTLE_ENDIAN,
        ALWAYS_OPEN);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** True when elements are stored in C order without gaps. */
  public boolean isContiguous() {
    return strides == null;
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
  }

  /** Receives a run of {@code count} elements stored contiguously from byte {@code bytePos}. */
  private interface RunVisitor {
    void run(long bytePos, int dstOff, int count);
  }

  private void checkRange(long from, int dstLength, int off, int len) {
    if (!open.getAsBoolean()) {
      throw new IllegalStateException(
          source + ": closed; tensor " + Excerpt.quote(name) + " is no longer readable");
    }
    Objects.checkFromIndexSize(off, len, dstLength);
    Objects.checkFromIndexSize(from, len, numel());
  }

  // Splits C-order elements [from, from + len) into runs that are contiguous in storage.
  private void forEachRun(long from, int off, int len, RunVisitor v) {
    if (len == 0) {
      return; // also keeps tensors with a zero dimension out of the index arithmetic below
    }
    int es = dtype.bytes();
    if (strides == null) {
      long pos = (offset + from) * es;
      int maxRun = Math.max(1, region.maxSlice() / es);
      for (int done = 0; done < len; ) {
        int n = Math.min(len - done, maxRun);
        v.run(pos + (long) done * es, off + done, n);
        done += n;
      }
      return;
    }
    int rank = shape.length;
    long[] idx = new long[rank];
    long rem = from;
    for (int k = rank - 1; k >= 0; k--) {
      idx[k] = rem % shape[k];
      rem /= shape[k];
    }
    long lastStride = strides[rank - 1];
    int done = 0;
    while (done < len) {
      long elem = offset;
      for (int k = 0; k < rank; k++) {
        elem += idx[k] * strides[k];
      }
      int runLen = (int) Math.min(len - done, shape[rank - 1] - idx[rank - 1]);
      if (lastStride == 1) {
        v.run(elem * es, off + done, runLen);
      } else {
        for (int i = 0; i < runLen; i++) {
          v.run((elem + i * lastStride) * es, off + done + i, 1);
        }
      }
      done += runLen;
      idx[rank - 1] += runLen;
      for (int k = rank - 1; k > 0 && idx[k] == shape[k]; k--) {
        idx[k] = 0;
        idx[k - 1]++;
      }
    }
  }

  private ByteBuffer buf(long bytePos, int count) {
    return region.slice(bytePos, count * dtype.bytes()).order(order);
  }

  @Override
  public void readFloats(long from, float[] dst, int off, int len) {
    checkRange(from, dst.length, off, len);
    forEachRun(from, off, len, (pos, o, n) -> decodeFloats(pos, dst, o, n));
  }

  private void decodeFloats(long pos, float[] dst, int off, int n) {
    int es = dtype.bytes();
    switch (dtype) {
      case F32:
        buf(pos, n).asFloatBuffer().get(dst, off, n);
        return;
      case BF16:
        CpuEngine.decodeBf16(buf(pos, n), dst, off, n);
        return;
      case F16:
        {
          short[] s = new short[Math.min(n, CHUNK)];
          for (int done = 0; done < n; done += s.length) {
            int k = Math.min(s.length, n - done);
            buf(pos + (long) done * es, k).asShortBuffer().get(s, 0, k);
            int o = off + done;
            for (int i = 0; i < k; i++) {
              dst[o + i] = F16Table.TABLE[s[i] & 0xffff];
            }
          }
          return;
        }
      case F8_E4M3:
      case F8_E5M2:
        {
          ByteBuffer b = buf(pos, n);
          boolean e4 = dtype == DType.F8_E4M3;
          for (int i = 0; i < n; i++) {
            dst[off + i] =
                e4 ? FloatFormats.f8e4m3ToFloat(b.get(i)) : FloatFormats.f8e5m2ToFloat(b.get(i));
          }
          return;
        }
      case F64:
        {
          double[] d = new double[Math.min(n, CHUNK)];
          for (int done = 0; done < n; done += d.length) {
            int k = Math.min(d.length, n - done);
            buf(pos + (long) done * es, k).asDoubleBuffer().get(d, 0, k);
            for (int i = 0; i < k; i++) {
              dst[off + done + i] = (float) d[i];
            }
          }
          return;
        }
      default:
        {
          long[] l = new long[Math.min(n, CHUNK)];
          for (int done = 0; done < n; done += l.length) {
            int k = Math.min(l.length, n - done);
            decodeLongs(pos + (long) done * es, l, 0, k);
            for (int i = 0; i < k; i++) {
              dst[off + done + i] = dtype == DType.U64 ? unsignedToFloat(l[i]) : (float) l[i];
            }
          }
        }
    }
  }

  private static float unsignedToFloat(long v) {
    return v >= 0 ? v : (float) (((v >>> 1) | (v & 1)) * 2.0);
  }

  @Override
  public void readDoubles(long from, double[] dst, int off, int len) {
    checkRange(from, dst.length, off, len);
    forEachRun(
        from,
        off,
        len,
        (pos, o, n) -> {
          if (dtype == DType.F64) {
            buf(pos, n).asDoubleBuffer().get(dst, o, n);
          } else if (dtype.isFloatingPoint()) {
            float[] f = new float[Math.min(n, CHUNK)];
            for (int done = 0; done < n; done += f.length) {
              int k = Math.min(f.length, n - done);
              decodeFloats(pos + (long) done * dtype.bytes(), f, 0, k);
              for (int i = 0; i < k; i++) {
                dst[o + done + i] = f[i];
              }
            }
          } else {
            long[] l = new long[Math.min(n, CHUNK)];
            for (int done = 0; done < n; done += l.length) {
              int k = Math.min(l.length, n - done);
              decodeLongs(pos + (long) done * dtype.bytes(), l, 0, k);
              for (int i = 0; i < k; i++) {
                long v = l[i];
                dst[o + done + i] = dtype == DType.U64 && v < 0 ? 0x1p64 + v : v;
              }
            }
          }
        });
  }

  @Override
  public void readLongs(long from, long[] dst, int off, int len) {
    if (dtype.isFloatingPoint()) {
      throw new UnsupportedOperationException(
          source + ": tensor " + Excerpt.quote(name) + " holds " + dtype + ", not integers");
    }
    checkRange(from, dst.length, off, len);
    forEachRun(from, off, len, (pos, o, n) -> decodeLongs(pos, dst, o, n));
  }

  private void decodeLongs(long pos, long[] dst, int off, int n) {
    ByteBuffer b = buf(pos, n);
    switch (dtype) {
      case I64:
      case U64:
        b.asLongBuffer().get(dst, off, n);
        return;
      case I32:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.getInt(4 * i);
        }
        return;
      case U32:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.getInt(4 * i) & 0xffffffffL;
        }
        return;
      case I16:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.getShort(2 * i);
        }
        return;
      case U16:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.getShort(2 * i) & 0xffff;
        }
        return;
      case I8:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.get(i);
        }
        return;
      case U8:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.get(i) & 0xff;
        }
        return;
      case BOOL:
        for (int i = 0; i < n; i++) {
          dst[off + i] = b.get(i) != 0 ? 1 : 0;
        }
        return;
      default:
        throw new AssertionError(dtype);
    }
  }

  @Override
  public byte[] toLittleEndianBytes() {
    long total = Math.multiplyExact(numel(), (long) dtype.bytes());
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          "tensor " + Excerpt.quote(name) + " has " + total + " bytes, too many for one array");
    }
    byte[] out = new byte[(int) total];
    readLittleEndianBytes(0, out, (int) numel());
    return out;
  }

  /** Writes all elements as little-endian bytes in C order, 1 MiB at a time. */
  public void writeLittleEndian(java.nio.channels.WritableByteChannel ch)
      throws java.io.IOException {
    int es = dtype.bytes();
    int block = (1 << 20) / es;
    byte[] buf = new byte[(int) Math.min((long) block, numel()) * es];
    for (long from = 0; from < numel(); from += block) {
      int n = (int) Math.min(block, numel() - from);
      readLittleEndianBytes(from, buf, n);
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, n * es);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
    }
  }

  private void readLittleEndianBytes(long from, byte[] out, int count) {
    int es = dtype.bytes();
    checkRange(from, count, 0, count);
    forEachRun(
        from,
        0,
        count,
        (pos, o, n) -> {
          region.get(pos, out, o * es, n * es);
          if (order == ByteOrder.BIG_ENDIAN && es > 1) {
            for (int e = o * es; e < (o + n) * es; e += es) {
              for (int a = e, z = e + es - 1; a < z; a++, z--) {
                byte t = out[a];
                out[a] = out[z];
                out[z] = t;
              }
            }
          }
        });
  }

  @Override
  public EmbeddingMatrix toEmbeddingMatrix(ProgressListener progress) {
    if (shape.length != 2) {
      throw new IllegalStateException(
          source
              + ": tensor "
              + Excerpt.quote(name)
              + " has shape "
              + shapeText(shape)
              + "; an embedding matrix needs rank 2");
    }
    long total = numel();
    if (total > Integer.MAX_VALUE - 8
        || shape[0] > Integer.MAX_VALUE
        || shape[1] > Integer.MAX_VALUE
        || shape[1] == 0) {
      throw new IllegalStateException(
          source
              + ": tensor "
              + Excerpt.quote(name)
              + " of shape "
              + shapeText(shape)
              + " does not fit one float array (or has no columns)");
    }
    int rows = (int) shape[0];
    int dim = (int) shape[1];
    float[] data = new float[(int) total];
    // About 1 MiB of source bytes per task: large enough to amortise, small enough to balance.
    int rowsPerChunk = (int) Math.max(1, (1 << 20) / ((long) dim * dtype.bytes()));
    int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
    Parallel.run(
        "read " + name,
        chunks,
        rows,
        () -> null,
        (state, c) -> {
          int r0 = c * rowsPerChunk;
          int r1 = Math.min(rows, r0 + rowsPerChunk);
          readFloats((long) r0 * dim, data, r0 * dim, (r1 - r0) * dim);
          return r1 - r0;
        },
        progress);
    return EmbeddingMatrix.wrap(data, rows, dim);
  }
}
