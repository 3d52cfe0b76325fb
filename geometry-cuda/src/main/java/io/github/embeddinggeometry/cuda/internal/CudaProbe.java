package io.github.embeddinggeometry.cuda.internal;

import io.github.embeddinggeometry.backend.spi.BackendSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * Finds out, once per process, whether the CUDA backend can run here. Never throws: every failure,
 * including the {@link UnsatisfiedLinkError} JCuda raises when {@code libcuda.so.1} is missing,
 * becomes a reason naming the fix.
 */
public final class CudaProbe {
  /** System property choosing the GPU ordinal (default 0). */
  public static final String DEVICE_PROPERTY = CudaSettings.DEVICE;

  /** What the probe found. {@code reasons} is empty when the backend can run. */
  public record Result(
      List<String> reasons,
      int ordinal,
      String deviceName,
      int ccMajor,
      int ccMinor,
      long totalMemory,
      int driverVersion) {
    /** True when the backend can run. */
    public boolean available() {
      return reasons.isEmpty();
    }

    /** e.g. "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB, driver CUDA 13.0)". */
    public String describe() {
      return deviceName
          + " (sm_"
          + ccMajor
          + ccMinor
          + ", "
          + String.format(java.util.Locale.ROOT, "%.1f GiB", totalMemory / (double) (1L << 30))
          + ", driver CUDA "
          + driverVersion / 1000
          + "."
          + driverVersion % 1000 / 10
          + ")";
    }
  }

  private CudaProbe() {}

  private static final class Holder {
    static final Result RESULT = run();
  }

  /** The cached probe result. */
  public static Result result() {
    return Holder.RESULT;
  }

  static Result run() {
    List<String> reasons = new ArrayList<>();
    int ordinal;
    try {
      ordinal =
          Integer.parseInt(
              BackendSettings.raw(DEVICE_PROPERTY) == null
                  ? "0"
                  : BackendSettings.raw(DEVICE_PROPERTY));
    } catch (NumberFormatException e) {
      reasons.add(
          "-D"
              + DEVICE_PROPERTY
              + " must be a GPU ordinal (0, 1, ...), not '"
              + BackendSettings.raw(DEVICE_PROPERTY)
              + "'");
      return new Result(List.copyOf(reasons), -1, "?", 0, 0, 0, 0);
    }
    try {
      JCudaDriver.setExceptionsEnabled(false);
    } catch (LinkageError | RuntimeException e) {
      reasons.add(CudaErrors.bindingFailure(e));
      return new Result(List.copyOf(reasons), ordinal, "?", 0, 0, 0, 0);
    }
    try {
      int rc = JCudaDriver.cuInit(0);
      if (rc != CudaErrors.SUCCESS) {
        reasons.add(CudaErrors.initFailure(rc, CudaErrors.name(rc)));
        return new Result(List.copyOf(reasons), ordinal, "?", 0, 0, 0, 0);
      }
      int[] v = new int[1];
      JCudaDriver.cuDriverGetVersion(v);
      int driverVersion = v[0];
      String tooOld = CudaErrors.driverVersionProblem(driverVersion);
      if (tooOld != null) {
        reasons.add(tooOld);
      }
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] == 0) {
        reasons.add(CudaErrors.initFailure(CudaErrors.NO_DEVICE, "no devices"));
        return new Result(List.copyOf(reasons), ordinal, "?", 0, 0, 0, driverVersion);
      }
      if (ordinal < 0 || ordinal >= count[0]) {
        reasons.add(
            "-D"
                + DEVICE_PROPERTY
                + "="
                + ordinal
                + " but only "
                + count[0]
                + " GPU(s) are visible (ordinals 0.."
                + (count[0] - 1)
                + ")");
        return new Result(List.copyOf(reasons), ordinal, "?", 0, 0, 0, driverVersion);
      }
      CUdevice dev = new CUdevice();
      CudaErrors.check(JCudaDriver.cuDeviceGet(dev, ordinal), "cuDeviceGet(" + ordinal + ")");
      byte[] name = new byte[256];
      JCudaDriver.cuDeviceGetName(name, name.length, dev);
      int len = 0;
      while (len < name.length && name[len] != 0) {
        len++;
      }
      String deviceName = new String(name, 0, len, StandardCharsets.UTF_8);
      int[] major = new int[1];
      int[] minor = new int[1];
      JCudaDriver.cuDeviceGetAttribute(
          major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
      JCudaDriver.cuDeviceGetAttribute(
          minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
      String cc = CudaErrors.capabilityProblem(major[0], minor[0], deviceName);
      if (cc != null) {
        reasons.add(cc);
      }
      long[] mem = new long[1];
      JCudaDriver.cuDeviceTotalMem(mem, dev);
      return new Result(
          List.copyOf(reasons), ordinal, deviceName, major[0], minor[0], mem[0], driverVersion);
    } catch (LinkageError | RuntimeException e) {
      reasons.add("CUDA probe failed: " + e);
      return new Result(List.copyOf(reasons), ordinal, "?", 0, 0, 0, 0);
    }
  }

  /**
   * Null when cuBLAS 12 loads and creates a handle, else why not. Only meaningful after a
   * successful {@link #result()}; a missing cuBLAS never disables the backend (own SGEMM).
   */
  static String cublasProblem() {
    try {
      jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
      return null;
    } catch (LinkageError | RuntimeException e) {
      return CudaErrors.cublasFailure(e);
    }
  }
}
