package io.github.embeddinggeometry.cuda.internal;

import jcuda.driver.JCudaDriver;

/**
 * Turns driver result codes into messages that say what to do. Pure mapping, testable without a
 * GPU.
 */
final class CudaErrors {
  static final int SUCCESS = 0;
  static final int NOT_INITIALIZED = 3;
  static final int OUT_OF_MEMORY = 2;
  static final int INSUFFICIENT_DRIVER = 35;
  static final int NO_DEVICE = 100;
  static final int NO_BINARY_FOR_GPU = 209;
  static final int INVALID_PTX = 218;
  static final int UNSUPPORTED_PTX_VERSION = 222;
  static final int SYSTEM_DRIVER_MISMATCH = 803;
  static final int COMPAT_NOT_SUPPORTED_ON_DEVICE = 804;

  private CudaErrors() {}

  /** The driver's name for {@code code}, or the number when the driver cannot be asked. */
  static String name(int code) {
    try {
      String[] out = new String[1];
      if (JCudaDriver.cuGetErrorName(code, out) == SUCCESS && out[0] != null) {
        return out[0];
      }
    } catch (LinkageError e) {
      // no driver binding: fall through to the number
    }
    return "CUresult " + code;
  }

  /** Why cuInit failed, with the fix. */
  static String initFailure(int code, String codeName) {
    switch (code) {
      case NO_DEVICE:
        return "no CUDA-capable GPU is visible (cuInit: "
            + codeName
            + "); check nvidia-smi, "
            + "CUDA_VISIBLE_DEVICES, or run the container with --gpus all";
      case INSUFFICIENT_DRIVER:
      case SYSTEM_DRIVER_MISMATCH:
      case COMPAT_NOT_SUPPORTED_ON_DEVICE:
        return "the NVIDIA driver is too old or mismatched for this GPU (cuInit: "
            + codeName
            + "); install driver R525 or newer (CUDA 12.0+)";
      default:
        return "the CUDA driver failed to initialise (cuInit: " + codeName + "); check nvidia-smi";
    }
  }

  /** Why a driver of version {@code version} (e.g. 12020 = CUDA 12.2) is too old, or null. */
  static String driverVersionProblem(int version) {
    if (version >= 12000) {
      return null;
    }
    return "the NVIDIA driver supports CUDA "
        + version / 1000
        + "."
        + version % 1000 / 10
        + " only; the shipped PTX needs CUDA 12.0 or newer: install driver R525 or newer";
  }

  /** Why a GPU of compute capability major.minor cannot run the PTX, or null. */
  static String capabilityProblem(int major, int minor, String deviceName) {
    if (major > 7 || (major == 7 && minor >= 5)) {
      return null;
    }
    return "GPU "
        + deviceName
        + " has compute capability "
        + major
        + "."
        + minor
        + "; the shipped PTX targets compute_75 (Turing) or newer";
  }

  /** Why the JCuda driver binding could not be loaded, with the fix. */
  static String bindingFailure(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    if (e instanceof NoClassDefFoundError && msg.startsWith("jcuda/")) {
      return "the JCuda jar (org.jcuda:jcuda 12.6.0) is not on the class path: " + msg;
    }
    if (msg.contains("libcuda.so") || msg.contains("nvcuda")) {
      return "no NVIDIA driver: libcuda.so.1 cannot be loaded ("
          + detail(msg, "libcuda.so")
          + "); install the NVIDIA driver (R525+), or run the container with --gpus all";
    }
    return "the JCuda native driver binding could not be loaded ("
        + e.getClass().getSimpleName()
        + ": "
        + firstLine(msg)
        + "); JCuda 12.6 ships natives for linux-x86_64 and "
        + "windows-x86_64 (org.jcuda:jcuda-natives) and needs libcuda.so.1 from the NVIDIA driver";
  }

  /** Why cuBLAS 12 is unusable: never a reason to refuse the backend, only a note. */
  static String cublasFailure(Throwable e) {
    String full = String.valueOf(e.getMessage());
    String msg = firstLine(full);
    if (full.contains("libcublas")) {
      return "cuBLAS 12 (libcublas.so.12) is not installed (" + detail(full, "libcublas") + ")";
    }
    return "cuBLAS 12 could not be loaded (" + e.getClass().getSimpleName() + ": " + msg + ")";
  }

  /**
   * JCuda's UnsatisfiedLinkError holds two nested stack traces; the useful part is the loader's
   * message from the line naming {@code key}, e.g. "libcuda.so.1: cannot open shared object file".
   */
  static String detail(String msg, String key) {
    for (String line : msg.split("\n")) {
      int at = line.indexOf(key);
      if (at >= 0) {
        return firstLine(line.substring(at).trim());
      }
    }
    return firstLine(msg);
  }

  static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** Throws a {@link CudaException} unless {@code rc} is success. */
  static void check(int rc, String call) {
    if (rc != SUCCESS) {
      throw new CudaException(call + " failed: " + name(rc), rc);
    }
  }
}
