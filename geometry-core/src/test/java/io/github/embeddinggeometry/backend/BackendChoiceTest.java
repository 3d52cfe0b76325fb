package io.github.embeddinggeometry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.embeddinggeometry.Covariance;
import io.github.embeddinggeometry.EmbeddingMatrix;
import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.metric.DistanceBlockConsumer;
import io.github.embeddinggeometry.metric.DistanceKernel;
import io.github.embeddinggeometry.metric.MetricSpace;
import io.github.embeddinggeometry.metric.Neighbours;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The choice of backend with fake devices: a backend other than the CPU serves only after it agrees
 * with the CPU on the start-up check; {@code best} falls back to the CPU with one WARNING when it
 * disagrees or fails, with one INFO line when it is merely absent; asking for it by name throws
 * with the reason.
 */
class BackendChoiceTest {
  record Line(System.Logger.Level level, String message) {}

  private final List<Line> logged = new ArrayList<>();
  private BiConsumer<System.Logger.Level, String> saved;

  @BeforeEach
  void capture() {
    saved = Backends.log;
    Backends.log = (level, message) -> logged.add(new Line(level, message));
  }

  @AfterEach
  void release() {
    Backends.log = saved;
  }

  private static BackendProvider provider(
      String name, int priority, List<String> reasons, Supplier<ComputeBackend> create) {
    return new BackendProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int priority() {
        return priority;
      }

      @Override
      public List<String> unavailableReasons() {
        return reasons;
      }

      @Override
      public ComputeBackend create() {
        return create.get();
      }
    };
  }

  private static List<BackendProvider> withCpu(BackendProvider fake) {
    BackendProvider cpu =
        Backends.providers().stream().filter(p -> p.name().equals("cpu")).findFirst().orElseThrow();
    return List.of(fake, cpu);
  }

  /** A device that is the CPU backend, with one distance off by {@code error} (0: correct). */
  static class FakeDevice implements ComputeBackend {
    final float error;
    final AtomicBoolean closed = new AtomicBoolean();

    FakeDevice(float error) {
      this.error = error;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public String description() {
      return "fake device";
    }

    @Override
    public DistanceKernel distanceKernel(MetricSpace metric) {
      DistanceKernel cpu = Backends.cpu().distanceKernel(metric);
      return new DistanceKernel() {
        @Override
        public MetricSpace metric() {
          return metric;
        }

        @Override
        public void distances(
            EmbeddingMatrix a,
            int aFrom,
            int aTo,
            EmbeddingMatrix b,
            int bFrom,
            int bTo,
            float[] out,
            int outOffset,
            int outStride) {
          cpu.distances(a, aFrom, aTo, b, bFrom, bTo, out, outOffset, outStride);
          out[outOffset + 7] += error;
        }

        @Override
        public void forEachBlock(
            EmbeddingMatrix a,
            EmbeddingMatrix b,
            int blockRows,
            DistanceBlockConsumer consumer,
            ProgressListener progress) {
          cpu.forEachBlock(a, b, blockRows, consumer, progress);
        }

        @Override
        public Neighbours nearest(
            EmbeddingMatrix queries, EmbeddingMatrix base, int k, ProgressListener progress) {
          return cpu.nearest(queries, base, k, progress);
        }
      };
    }

    @Override
    public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
      return Backends.cpu().covariance(w, progress);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void anAgreeingDeviceServesAndIsAnnouncedAtInfo() {
    ComputeBackend b =
        Backends.create("best", withCpu(provider("fake", 10, List.of(), () -> new FakeDevice(0))));
    assertThat(b.name()).isEqualTo("fake");
    assertThat(logged).hasSize(1);
    // INFO the first time a JVM chooses, DEBUG after it; never a warning
    assertThat(logged.get(0).level()).isIn(System.Logger.Level.INFO, System.Logger.Level.DEBUG);
  }

  @Test
  void aDisagreeingDeviceIsClosedAndBestUsesTheCpuWithOneWarning() {
    FakeDevice bad = new FakeDevice(1e-3f);
    ComputeBackend b = Backends.create("best", withCpu(provider("fake", 10, List.of(), () -> bad)));
    assertThat(b.name()).isEqualTo("cpu");
    assertThat(bad.closed).isTrue();
    assertThat(logged).hasSize(1);
    assertThat(logged.get(0).level()).isEqualTo(System.Logger.Level.WARNING);
    assertThat(logged.get(0).message())
        .contains("fake not used")
        .contains("start-up agreement check")
        .contains("euclidean distance (0, 7)");
  }

  @Test
  void askingForADisagreeingDeviceByNameThrowsWithTheDisagreement() {
    FakeDevice bad = new FakeDevice(-0.5f);
    assertThatThrownBy(
            () -> Backends.create("fake", withCpu(provider("fake", 10, List.of(), () -> bad))))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("backend 'fake' failed its start-up agreement check")
        .hasMessageContaining("where the CPU backend computes");
    assertThat(bad.closed).isTrue();
  }

  @Test
  void aDeviceErrorDuringTheCheckIsADisagreement() {
    Supplier<ComputeBackend> broken =
        () ->
            new FakeDevice(0) {
              @Override
              public Covariance covariance(EmbeddingMatrix w, ProgressListener progress) {
                throw new IllegalStateException("CUDA_ERROR_ILLEGAL_ADDRESS");
              }
            };
    ComputeBackend b = Backends.create("best", withCpu(provider("fake", 10, List.of(), broken)));
    assertThat(b.name()).isEqualTo("cpu");
    assertThat(logged.get(0).level()).isEqualTo(System.Logger.Level.WARNING);
    assertThat(logged.get(0).message()).contains("CUDA_ERROR_ILLEGAL_ADDRESS");
    assertThatThrownBy(
            () -> Backends.create("fake", withCpu(provider("fake", 10, List.of(), broken))))
        .hasMessageContaining("CUDA_ERROR_ILLEGAL_ADDRESS");
  }

  @Test
  void anAbsentDeviceIsTheNormalCaseSaidAtInfo() {
    ComputeBackend b =
        Backends.create(
            "best",
            withCpu(provider("fake", 10, List.of("no NVIDIA driver"), () -> new FakeDevice(0))));
    assertThat(b.name()).isEqualTo("cpu");
    assertThat(logged).hasSize(1);
    // INFO the first time a JVM chooses, DEBUG after it; never a warning
    assertThat(logged.get(0).level()).isIn(System.Logger.Level.INFO, System.Logger.Level.DEBUG);
    assertThat(logged.get(0).message()).contains("fake not used: no NVIDIA driver");
  }

  @Test
  void bestPassesOverASlowerBackendThatRunsWhenAskedByName() {
    BackendProvider slow =
        new BackendProvider() {
          @Override
          public String name() {
            return "fake";
          }

          @Override
          public int priority() {
            return 10;
          }

          @Override
          public List<String> unavailableReasons() {
            return List.of();
          }

          @Override
          public List<String> notBestReasons() {
            return List.of("slower than the CPU here");
          }

          @Override
          public ComputeBackend create() {
            return new FakeDevice(0);
          }
        };
    assertThat(Backends.create("best", withCpu(slow)).name()).isEqualTo("cpu");
    assertThat(logged).hasSize(1);
    assertThat(logged.get(0).level()).isIn(System.Logger.Level.INFO, System.Logger.Level.DEBUG);
    assertThat(logged.get(0).message()).contains("fake not used: slower than the CPU here");
    assertThat(Backends.create("fake", withCpu(slow)).name()).isEqualTo("fake");
  }

  @Test
  void theCheckProblemHasDuplicatesBeyondKNearTiesAndAZeroRow() {
    EmbeddingMatrix w = AgreementCheck.problem();
    float[] d = Backends.cpu().distanceKernel(MetricSpace.euclidean()).distances(w, w);
    int n = w.rows();
    int zeros = 0;
    for (int j = 1; j < n; j++) {
      zeros += d[j] == 0f ? 1 : 0;
    }
    assertThat(zeros).isGreaterThan(12);
    assertThat(d[40 * n + 41]).isGreaterThan(0f).isLessThan(1e-5f);
    assertThat(AgreementCheck.disagreement(Backends.cpu(), Backends.cpu())).isNull();
  }
}
