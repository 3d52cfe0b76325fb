package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.io.EmbeddingSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The files a run reads ({@code --model} with every file of a model folder, {@code --tokenizer},
 * {@code --metric}), found from the options alone, so that they can be compared with the outputs
 * before anything is loaded or written.
 */
final class Inputs {
  /** Folder levels searched below a model folder (shards, tokenizer, config and their links). */
  private static final int DEPTH = 3;

  /** Entries looked at in a model folder at most: a model folder holds a few dozen. */
  private static final int MAX_ENTRIES = 100_000;

  /** One file read by the run and the option that named it, e.g. "--model D". */
  record Input(String option, Path file) {}

  private Inputs() {}

  /**
   * The input files of the command's options that are set (the keywords minilm and
   * inverse-covariance name none).
   */
  static List<Input> of(CommandSpec spec) {
    List<Input> out = new ArrayList<>();
    add(out, spec, "--model", EmbeddingSources.MINILM);
    add(out, spec, "--tokenizer", null);
    add(out, spec, "--metric", "inverse-covariance");
    return out;
  }

  private static void add(List<Input> out, CommandSpec spec, String name, String keyword) {
    OptionSpec o = spec.findOption(name);
    Object v = o == null ? null : o.getValue();
    if (v == null || v.toString().equals(keyword)) {
      return;
    }
    for (Path f : files(v.toString())) {
      out.add(new Input(name + " " + v, f));
    }
  }

  /**
   * The existing files behind a {@code PATH[:NAME]} argument: the path itself, or the part before
   * the last colon when the whole does not exist; every file below a folder. Nothing for a path
   * that does not exist: the loader reports that.
   */
  static List<Path> files(String arg) {
    Path p = existing(arg);
    if (p == null && arg.lastIndexOf(':') > 0) {
      p = existing(arg.substring(0, arg.lastIndexOf(':')));
    }
    if (p == null) {
      return List.of();
    }
    if (!Files.isDirectory(p)) {
      return List.of(p);
    }
    try (Stream<Path> s = Files.walk(p, DEPTH)) {
      return s.limit(MAX_ENTRIES).filter(f -> !Files.isDirectory(f)).toList();
    } catch (IOException | UncheckedIOException e) {
      // An unreadable folder: the loader fails on it and names it.
      return List.of();
    }
  }

  private static Path existing(String s) {
    try {
      Path p = Path.of(s);
      return !s.isEmpty() && Files.exists(p) ? p : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
