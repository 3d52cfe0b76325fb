package io.github.embeddinggeometry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's modules and the command line run on the module path: the three library jars as
 * named modules (their descriptors enforced), the command line and the third-party jars as
 * automatic modules, in a JVM of its own.
 */
class ModulePathIT {
  @TempDir Path tmp;

  @Test
  void commandLineRunsOnTheModulePath() throws Exception {
    TinyModel model = new TinyModel(tmp.resolve("tiny"));
    Path out = tmp.resolve("out");
    String runtime =
        Files.readString(Path.of(System.getProperty("embgeo.runtime.classpath"))).trim();
    String jar = System.getProperty("embgeo.cli.jar");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The command line is an automatic module, which requires nothing by name: the
                // named
                // modules it uses are added explicitly (ALL-MODULE-PATH would also pull in optional
                // third-party modules whose own requirements are absent).
                "--add-modules",
                "jdk.incubator.vector,io.github.embeddinggeometry.io,"
                    + "io.github.embeddinggeometry.cuda,info.picocli,me.tongfei.progressbar,"
                    + "com.fasterxml.jackson.databind,org.slf4j,com.google.gson",
                "-Djava.awt.headless=true",
                "--module-path",
                jar + java.io.File.pathSeparator + runtime,
                "-m",
                "io.github.embeddinggeometry.cli/io.github.embeddinggeometry.cli.GeometryCli",
                "pairwise",
                "--model",
                model.dir.toString(),
                "--out",
                out.toString(),
                GeometryCliTest.ALL_ROWS));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("pairs").asLong()).isEqualTo((long) TinyModel.N * (TinyModel.N - 1) / 2);
  }
}
