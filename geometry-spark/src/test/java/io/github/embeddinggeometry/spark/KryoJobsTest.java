package io.github.embeddinggeometry.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.embeddinggeometry.EmbeddingMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs under Kryo with {@code spark.kryo.registrationRequired=true} (surefire execution {@code
 * kryo}): the same single-machine bits as under Java serialization, and the candidate lists'
 * shuffle no larger than the planner counts for Java serialization's packed records.
 */
@Tag("kryo")
class KryoJobsTest {
  @Test
  void theContextRunsKryoWithRegistrationRequired() {
    assertThat(TestSpark.sc().getConf().get("spark.serializer")).contains("Kryo");
    assertThat(TestSpark.sc().getConf().getBoolean("spark.kryo.registrationRequired", false))
        .isTrue();
  }

  @Test
  void everyAnalysisGivesTheSingleMachineBits(@TempDir Path dir) throws Exception {
    AgreementTest agreement = new AgreementTest();
    agreement.knnDensityAndDensestAreTheSameBits(301, 17, 8, 12, "euclidean");
    agreement.knnDensityAndDensestAreTheSameBits(1002, 64, 8, 20, "causal");
    agreement.knnDensityAndDensestAreTheSameBits(40, 9, 8, 6, "cosine");
    agreement.pairwiseStatisticsAreTheSameBits(1002, 33, 8, "causal");
    agreement.meanCovarianceAndPcaAreTheSameBits(9000, 33, 3);
    agreement.causalMetricOfTheClusterCovarianceIsTheSameBits();
    PairwiseWindowTest window = new PairwiseWindowTest();
    window.insideTheWindowOnePassOutsideTwoTheSameBits(
        600, 16, 3, "euclidean", "of", dir.resolve("of"));
    window.insideTheWindowOnePassOutsideTwoTheSameBits(
        600, 16, 3, "euclidean", "rows", dir.resolve("rows"));
    Path file = Files.createDirectories(dir.resolve("file"));
    window.insideTheWindowOnePassOutsideTwoTheSameBits(600, 16, 3, "euclidean", "file", file);
  }

  @Test
  void candidateShuffleDoesNotGrowUnderKryo() throws Exception {
    int n = 3001;
    int d = 64;
    int k = 10;
    int b = 4;
    EmbeddingMatrix w = TestSpark.matrix(n, d, 0, 9);
    List<long[]> got = PlannerTest.knnShuffle(RowBlocks.of(TestSpark.sc(), w, b), k);
    Planner.Plan plan = Planner.knn(n, d, k, 1, 2, b, 1L << 30, 4, 1e9, 1e9);
    long javaLists = plan.stages().get(1).shuffleWrite();
    long packedOnly = javaLists - (long) Pairs.count(b) * 2 * Planner.RECORD_OVERHEAD;
    // Kryo saves Java's per-record descriptors, nothing of the packed lists themselves
    assertThat(got.get(1)[0]).isLessThanOrEqualTo(javaLists).isGreaterThanOrEqualTo(packedOnly);
  }
}
