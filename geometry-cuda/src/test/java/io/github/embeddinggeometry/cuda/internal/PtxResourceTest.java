package io.github.embeddinggeometry.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The shipped PTX is present, JIT-able by every CUDA 12.0+ driver, and built from today's source.
 */
class PtxResourceTest {
  private final Ptx ptx = Ptx.load(Ptx.KERNELS);

  @Test
  void headerTargetsCuda12Drivers() {
    // CUDA 12.0 drivers accept PTX ISA up to 8.0; compute_75 is the lowest target nvcc 13 emits.
    assertThat(Ptx.isaAtMost(ptx.version(), "8.0")).as("PTX ISA %s", ptx.version()).isTrue();
    assertThat(ptx.target()).isEqualTo("sm_75");
    assertThat(ptx.text()).contains(".address_size 64");
  }

  @Test
  void holdsEveryKernelTheJavaCodeLaunches() {
    assertThat(ptx.entries())
        .contains(
            "row_sq_norms",
            "sgemm_abt",
            "sgemm_abt_vec4",
            "dist_epilogue",
            "topk_merge",
            "refine_candidates",
            "center_transpose",
            "causal_map");
  }

  /** The Java side launches causal_map with the tile the CUDA source was compiled for. */
  @Test
  void causalMapTileMatchesTheSource() throws Exception {
    Path cu = Path.of("src/main/cuda/geometry_kernels.cu");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(cu), "run from the module directory");
    assertThat(Files.readString(cu)).contains("#define MAP_TILE " + DeviceCausalMap.TILE + "\n");
    assertThat(DeviceCausalMap.LAUNCH_ROWS / DeviceCausalMap.TILE).isEqualTo(65_535);
  }

  @Test
  void isBuiltFromTheCommittedCudaSource() throws Exception {
    Path cu = Path.of("src/main/cuda/geometry_kernels.cu");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(cu), "run from the module directory");
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(cu));
    assertThat(ptx.text())
        .as("PTX is stale: run geometry-cuda/build-ptx.sh")
        .startsWith("// source geometry_kernels.cu sha256 " + HexFormat.of().formatHex(sha));
  }

  @Test
  void imageIsNulTerminated() {
    byte[] image = ptx.image();
    assertThat(image[image.length - 1]).isZero();
    assertThat(image.length).isEqualTo(ptx.text().length() + 1);
  }

  @Test
  void isaComparisonAndParsing() {
    assertThat(Ptx.isaAtMost("7.8", "8.0")).isTrue();
    assertThat(Ptx.isaAtMost("8.0", "8.0")).isTrue();
    assertThat(Ptx.isaAtMost("8.1", "8.0")).isFalse();
    assertThat(Ptx.isaAtMost("9.0", "8.0")).isFalse();
    Ptx p =
        Ptx.parse(
            "x",
            "//\n.version 7.8\n.target sm_80\n.address_size 64\n"
                + ".visible .entry foo(\n)\n.visible .entry bar(\n)\n");
    assertThat(p.version()).isEqualTo("7.8");
    assertThat(p.target()).isEqualTo("sm_80");
    assertThat(p.entries()).containsExactly("foo", "bar");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ptx.parse("y", "junk"))
        .hasMessageContaining("y")
        .hasMessageContaining(".version");
  }
}
