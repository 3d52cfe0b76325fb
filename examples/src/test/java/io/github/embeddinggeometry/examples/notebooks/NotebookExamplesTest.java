package io.github.embeddinggeometry.examples.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.embeddinggeometry.analysis.Verdicts;
import io.github.embeddinggeometry.frame.ReferenceFrame;
import io.github.embeddinggeometry.io.MiniLm;
import io.github.embeddinggeometry.io.ReferenceFrameFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook example runs on the default dataset (all-MiniLM-L6-v2) and prints the notebook's
 * tables with the numbers docs/cli.md documents for it. The numbers themselves are checked against
 * float64 computations by GeometryCliTest, through the same analyse methods the command calls.
 */
class NotebookExamplesTest {
  @TempDir Path tmp;

  @BeforeAll
  static void dataset() {
    assumeTrue(MiniLm.isAvailable(), "all-MiniLM-L6-v2 artifact not on the classpath");
  }

  interface Main {
    void main(String[] args) throws Exception;
  }

  /** What the example prints on stdout. */
  static String run(Main main, String... args) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.main(args);
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    saved.print(out);
    return out;
  }

  static double number(String out, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*([-0-9.,]+)").matcher(out);
    assertThat(m.find()).as("'%s' in:%n%s", label, out).isTrue();
    return Double.parseDouble(m.group(1).replace(",", ""));
  }

  @Test
  void pairwiseAndDensityFieldAgreeOnTheClosestPair() throws Exception {
    String pairwise = run(PairwiseDistances::main);
    assertThat(pairwise)
        .contains("Found 2,537 tokens in bounding box", "Number of pairs: 3,216,916")
        .contains("Exact zeros (off-diagonal): 0", "No exact duplicates found");
    double min = number(pairwise, "Min:");
    assertThat(number(pairwise, "Median:")).isBetween(min, number(pairwise, "Max:"));

    String field = run(DensityFieldVisualization::main);
    assertThat(field).contains("Loaded 2,537 overdensity tokens");
    // The smallest nearest-neighbour distance is the smallest pairwise distance.
    assertThat(number(field, "Min:")).isEqualTo(Math.round(min * 1e6) / 1e6);
    assertThat(number(field, "Tokens with nearest neighbor at distance = 0:")).isZero();
  }

  @Test
  void frameIsSavedAndVerified() throws Exception {
    String out = run(ClusterReferenceFrame::main, tmp.toString());
    assertThat(out).contains("Cluster centroid of 1,603 tokens", "Verification passed");
    double pc1 = number(out, "PC1:");
    double pc2 = number(out, "PC2:");
    assertThat(pc1).isGreaterThan(pc2).isGreaterThan(0);
    ReferenceFrame f =
        ReferenceFrameFiles.load(tmp.resolve("1.6a_cluster_reference_frame.safetensors"));
    assertThat(f.dim()).isEqualTo(384);
    assertThat(f.eigenvalues()[0]).isCloseTo(pc1, org.assertj.core.data.Offset.offset(1e-6));
    double sq = 0;
    for (float v : f.origin()) {
      sq += (double) v * v;
    }
    assertThat(Math.sqrt(sq))
        .isCloseTo(number(out, "Norm:"), org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void densityVsNormFindsTheDenseCore() throws Exception {
    String out = run(LocalDensityVsCausalNorm::main);
    assertThat(out).contains("Radial density profile:", "Core (norm <", "Shell (", "Outer (norm >");
    assertThat(number(out, "Core/Shell density ratio:")).isEqualTo(2.66);
    assertThat(out).contains(Verdicts.CoreShell.DENSER_CORE.text());
  }

  @Test
  void densestPointIsARareCjkPieceAmongUnusedTokens() throws Exception {
    String out = run(DensestPointNeighbourhood::main);
    assertThat(out)
        .contains("Token ID: 30520", "Text: ##？", "Tokens in both neighborhoods: 11 / 30");
    assertThat(out).contains("TOP 30 NEIGHBORS: CAUSAL METRIC", "TOP 30 NEIGHBORS: COSINE");
    assertThat(out.lines().filter(l -> l.contains("[unused")).count()).isGreaterThan(20);
    assertThat(out).contains("MODERATE OVERLAP (36.7%)");
  }

  @Test
  void gpuExampleExplainsTheBackendAndNeverFailsWithoutAGpu() throws Exception {
    String out = run(GpuBackend::main);
    assertThat(out).contains("Backends on the class path:", "cpu", "Using: ");
    assertThat(out).containsAnyOf("No GPU backend here: the CPU ran it", "and CPU agree on");
    if (out.contains("No GPU backend here")) {
      assertThat(out).containsPattern("cuda +\\(priority \\d+\\) cannot run here: .+");
    }
  }

  @Test
  void huggingFaceFolderLoadsTheTensorAndTokenizer() throws Exception {
    Path dir = HuggingFaceFolder.writeMiniLm(tmp.resolve("minilm"));
    String out = run(HuggingFaceFolder::main, dir.toString());
    assertThat(out)
        .contains("W: embeddings.word_embeddings.weight, F32 [30522, 384]")
        .contains("(tie_word_embeddings: true)", "Tokenizer: 30,522 ids; W has 30,522 rows");
    assertThat(out).containsPattern("(?m)^king: .*queen");
  }
}
