package io.github.embeddinggeometry.cuda.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The device's primary context with the kernel module loaded.
 *
 * <p>The primary context (not a private one) is used so that cuBLAS, which works through the
 * runtime API, sees the same allocations. Thread rules: every use of the context, its buffers and
 * kernels happens inside {@link #enter()}, which serialises callers and makes the context current
 * on the calling thread. {@link #close()} is idempotent; use after close throws {@link
 * IllegalStateException}.
 */
public final class CudaContext implements AutoCloseable {
  private final ReentrantLock lock = new ReentrantLock();
  private final CUdevice device = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final CUmodule module = new CUmodule();
  private final Map<String, CUfunction> functions = new HashMap<>();
  private final CudaProbe.Result probe;
  private boolean closed;

  private CudaContext(CudaProbe.Result probe) {
    this.probe = probe;
  }

  /**
   * Opens the probed device and loads the shipped PTX.
   *
   * @throws UnsupportedOperationException if the probe found reasons or the PTX does not load
   */
  public static CudaContext open() {
    CudaProbe.Result probe = CudaProbe.result();
    if (!probe.available()) {
      throw new UnsupportedOperationException(
          "CUDA backend cannot run here: " + String.join("; ", probe.reasons()));
    }
    CudaContext c = new CudaContext(probe);
    try {
      CudaErrors.check(JCudaDriver.cuDeviceGet(c.device, probe.ordinal()), "cuDeviceGet");
      CudaErrors.check(
          JCudaDriver.cuDevicePrimaryCtxRetain(c.context, c.device), "cuDevicePrimaryCtxRetain");
      CudaErrors.check(JCudaDriver.cuCtxSetCurrent(c.context), "cuCtxSetCurrent");
      Ptx ptx = Ptx.load(Ptx.KERNELS);
      int rc = JCudaDriver.cuModuleLoadData(c.module, ptx.image());
      if (rc != CudaErrors.SUCCESS) {
        JCudaDriver.cuDevicePrimaryCtxRelease(c.device);
        throw new UnsupportedOperationException(
            "the driver cannot JIT-compile the shipped PTX ("
                + ptx.resource()
                + ", ISA "
                + ptx.version()
                + ", "
                + ptx.target()
                + "): "
                + CudaErrors.name(rc)
                + "; the driver must support CUDA 12.0+ and the GPU sm_75+");
      }
      for (String e : ptx.entries()) {
        CUfunction f = new CUfunction();
        CudaErrors.check(
            JCudaDriver.cuModuleGetFunction(f, c.module, e), "cuModuleGetFunction(" + e + ")");
        c.functions.put(e, f);
      }
      return c;
    } catch (CudaException e) {
      throw new UnsupportedOperationException("CUDA backend failed to start: " + e.getMessage(), e);
    }
  }

  /** What the probe found about the device. */
  public CudaProbe.Result device() {
    return probe;
  }

  /** Holding the context: serialised, current on this thread. Close to release. */
  public final class Scope implements AutoCloseable {
    private Scope() {}

    @Override
    public void close() {
      lock.unlock();
    }
  }

  /** Locks the context and makes it current on this thread. */
  public Scope enter() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("CUDA context is closed");
      }
      check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
      return new Scope();
    } catch (RuntimeException e) {
      lock.unlock();
      throw e;
    }
  }

  private void requireHeld() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("CUDA context used outside enter()");
    }
    if (closed) {
      throw new IllegalStateException("CUDA context is closed");
    }
  }

  /** Allocates {@code bytes} on the device; {@code what} names it in errors. */
  public DeviceBuffer alloc(long bytes, String what) {
    requireHeld();
    CUdeviceptr p = new CUdeviceptr();
    int rc = JCudaDriver.cuMemAlloc(p, Math.max(bytes, 4));
    if (rc == CudaErrors.OUT_OF_MEMORY) {
      long[] free = new long[1];
      long[] total = new long[1];
      JCudaDriver.cuMemGetInfo(free, total);
      throw new CudaException(
          "out of GPU memory allocating "
              + mib(bytes)
              + " for "
              + what
              + " ("
              + mib(free[0])
              + " free of "
              + mib(total[0])
              + "); lower -Dembgeo.cuda.memory or free the GPU",
          rc);
    }
    check(rc, "cuMemAlloc(" + mib(bytes) + " for " + what + ")");
    return new DeviceBuffer(p, bytes, what, this::free);
  }

  private void free(CUdeviceptr p) {
    lock.lock();
    try {
      if (!closed) {
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuMemFree(p);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Free and total device memory in bytes. */
  public long[] memInfo() {
    requireHeld();
    long[] free = new long[1];
    long[] total = new long[1];
    check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
    return new long[] {free[0], total[0]};
  }

  /**
   * Launches {@code kernel} on the default stream. Arguments: Integer, Float, {@link CUdeviceptr}
   * (possibly offset) or null for a null device pointer.
   */
  public void launch(String kernel, int gridX, int gridY, int block, Object... args) {
    launch2d(kernel, gridX, gridY, block, 1, args);
  }

  /** {@link #launch} with a two-dimensional thread block. */
  public void launch2d(
      String kernel, int gridX, int gridY, int blockX, int blockY, Object... args) {
    requireHeld();
    CUfunction f = functions.get(kernel);
    if (f == null) {
      throw new IllegalStateException("kernel " + kernel + " is not in the loaded PTX");
    }
    NativePointerObject[] params = new NativePointerObject[args.length];
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Integer v) {
        params[i] = Pointer.to(new int[] {v});
      } else if (a instanceof Float v) {
        params[i] = Pointer.to(new float[] {v});
      } else if (a instanceof CUdeviceptr p) {
        params[i] = Pointer.to(p);
      } else if (a == null) {
        params[i] = Pointer.to(new CUdeviceptr());
      } else {
        throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + ": " + a);
      }
    }
    check(
        JCudaDriver.cuLaunchKernel(
            f, gridX, gridY, 1, blockX, blockY, 1, 0, null, Pointer.to(params), null),
        "cuLaunchKernel(" + kernel + ")");
  }

  /** Waits for all queued work, surfacing asynchronous kernel errors. */
  public void sync() {
    requireHeld();
    check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
  }

  void check(int rc, String call) {
    CudaErrors.check(rc, call);
  }

  static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  /** Unloads the module and releases the primary context; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuCtxSynchronize();
      JCudaDriver.cuModuleUnload(module);
      closed = true;
      JCudaDriver.cuDevicePrimaryCtxRelease(device);
    } finally {
      lock.unlock();
    }
  }
}
