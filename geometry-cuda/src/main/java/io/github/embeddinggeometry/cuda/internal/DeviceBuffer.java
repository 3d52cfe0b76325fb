package io.github.embeddinggeometry.cuda.internal;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * One device allocation. Not thread-safe on its own: use it while holding its {@link CudaContext}'s
 * lock. {@link #close()} is idempotent; any other use after close throws {@link
 * IllegalStateException}.
 */
public final class DeviceBuffer implements AutoCloseable {
  private final java.util.function.Consumer<CUdeviceptr> free;
  private final String what;
  private final long bytes;
  private CUdeviceptr ptr;

  DeviceBuffer(
      CUdeviceptr ptr, long bytes, String what, java.util.function.Consumer<CUdeviceptr> free) {
    this.free = free;
    this.ptr = ptr;
    this.bytes = bytes;
    this.what = what;
  }

  /** Size in bytes. */
  public long bytes() {
    return bytes;
  }

  /** The device address. */
  public CUdeviceptr ptr() {
    if (ptr == null) {
      throw new IllegalStateException("device buffer '" + what + "' is closed");
    }
    return ptr;
  }

  /** The device address {@code byteOffset} bytes in. */
  public CUdeviceptr at(long byteOffset) {
    if (byteOffset < 0 || byteOffset > bytes) {
      throw new IndexOutOfBoundsException(
          "offset " + byteOffset + " outside device buffer '" + what + "' of " + bytes + " bytes");
    }
    return byteOffset == 0 ? ptr() : ptr().withByteOffset(byteOffset);
  }

  /** Copies {@code count} floats from {@code src[srcOff..]} to byte offset {@code dstByte}. */
  public void upload(float[] src, int srcOff, long dstByte, int count) {
    range(dstByte, 4L * count);
    CudaErrors.check(
        JCudaDriver.cuMemcpyHtoD(
            at(dstByte), Pointer.to(src).withByteOffset(4L * srcOff), 4L * count),
        "cuMemcpyHtoD(" + what + ")");
  }

  /** Copies {@code count} ints from {@code src[srcOff..]} to byte offset {@code dstByte}. */
  public void upload(int[] src, int srcOff, long dstByte, int count) {
    range(dstByte, 4L * count);
    CudaErrors.check(
        JCudaDriver.cuMemcpyHtoD(
            at(dstByte), Pointer.to(src).withByteOffset(4L * srcOff), 4L * count),
        "cuMemcpyHtoD(" + what + ")");
  }

  /** Copies {@code src} (length d) to byte offset {@code dstByte}. */
  public void upload(double[] src, long dstByte) {
    range(dstByte, 8L * src.length);
    CudaErrors.check(
        JCudaDriver.cuMemcpyHtoD(at(dstByte), Pointer.to(src), 8L * src.length),
        "cuMemcpyHtoD(" + what + ")");
  }

  /** Copies {@code count} floats from byte offset {@code srcByte} into {@code dst[dstOff..]}. */
  public void download(long srcByte, float[] dst, int dstOff, int count) {
    range(srcByte, 4L * count);
    CudaErrors.check(
        JCudaDriver.cuMemcpyDtoH(
            Pointer.to(dst).withByteOffset(4L * dstOff), at(srcByte), 4L * count),
        "cuMemcpyDtoH(" + what + ")");
  }

  /** Copies {@code count} ints from byte offset {@code srcByte} into {@code dst[dstOff..]}. */
  public void download(long srcByte, int[] dst, int dstOff, int count) {
    range(srcByte, 4L * count);
    CudaErrors.check(
        JCudaDriver.cuMemcpyDtoH(
            Pointer.to(dst).withByteOffset(4L * dstOff), at(srcByte), 4L * count),
        "cuMemcpyDtoH(" + what + ")");
  }

  private void range(long off, long len) {
    if (off < 0 || len < 0 || off + len > bytes) {
      throw new IndexOutOfBoundsException(
          "copy of "
              + len
              + " bytes at "
              + off
              + " outside device buffer '"
              + what
              + "' of "
              + bytes
              + " bytes");
    }
  }

  /** Frees the allocation; idempotent. */
  @Override
  public void close() {
    if (ptr != null) {
      CUdeviceptr p = ptr;
      ptr = null;
      free.accept(p);
    }
  }

  @Override
  public String toString() {
    return "DeviceBuffer[" + what + ", " + bytes + " bytes" + (ptr == null ? ", closed" : "") + "]";
  }
}
