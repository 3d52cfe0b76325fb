package io.github.embeddinggeometry.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every way the CUDA backend can be unusable yields a reason that names the fix. */
class CudaErrorsTest {
  @Test
  void missingDriverLibrary() {
    String r =
        CudaErrors.bindingFailure(
            new UnsatisfiedLinkError(
                "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                    + "Stack trace from the attempt to load the library as a resource:\n"
                    + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: "
                    + "libcuda.so.1: cannot open shared object file: No such file or directory\n"
                    + "\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)"));
    assertThat(r)
        .contains(
            "no NVIDIA driver",
            "install the NVIDIA driver",
            "(libcuda.so.1: cannot open shared object file: No such file or directory)");
    assertThat(r).doesNotContain("\n");
  }

  @Test
  void missingJCudaJarAndOtherPlatforms() {
    assertThat(CudaErrors.bindingFailure(new NoClassDefFoundError("jcuda/driver/JCudaDriver")))
        .contains("org.jcuda:jcuda");
    assertThat(CudaErrors.bindingFailure(new UnsatisfiedLinkError("no JCudaDriver-linux-aarch64")))
        .contains("linux-x86_64");
  }

  @Test
  void initFailures() {
    assertThat(CudaErrors.initFailure(CudaErrors.NO_DEVICE, "CUDA_ERROR_NO_DEVICE"))
        .contains("no CUDA-capable GPU", "CUDA_ERROR_NO_DEVICE", "--gpus");
    assertThat(
            CudaErrors.initFailure(
                CudaErrors.INSUFFICIENT_DRIVER, "CUDA_ERROR_INSUFFICIENT_DRIVER"))
        .contains("too old", "R525");
    assertThat(CudaErrors.initFailure(999, "CUDA_ERROR_UNKNOWN")).contains("CUDA_ERROR_UNKNOWN");
  }

  @Test
  void driverVersionAndCapability() {
    assertThat(CudaErrors.driverVersionProblem(11080)).contains("CUDA 11.8", "12.0");
    assertThat(CudaErrors.driverVersionProblem(12000)).isNull();
    assertThat(CudaErrors.driverVersionProblem(13000)).isNull();
    assertThat(CudaErrors.capabilityProblem(7, 0, "Tesla V100"))
        .contains("7.0", "compute_75", "V100");
    assertThat(CudaErrors.capabilityProblem(7, 5, "T4")).isNull();
    assertThat(CudaErrors.capabilityProblem(9, 0, "H100")).isNull();
  }

  @Test
  void cublasMissingIsANoteNotAnError() {
    assertThat(
            CudaErrors.cublasFailure(
                new UnsatisfiedLinkError("libcublas.so.12: cannot open shared object file")))
        .contains("cuBLAS 12", "libcublas.so.12");
  }
}
