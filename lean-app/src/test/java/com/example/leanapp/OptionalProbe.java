package com.example.leanapp;

import io.github.embeddinggeometry.ProgressListener;
import io.github.embeddinggeometry.io.EmbeddingSources;
import io.github.embeddinggeometry.io.onnx.OnnxInitializers;
import io.github.embeddinggeometry.io.tokenizer.HfTokenizer;
import java.nio.file.Path;

/**
 * Asks geometry-io for what needs its optional dependencies, on a class path without them, and
 * prints each failure as {@code what: exception class: message}, one line each.
 */
public final class OptionalProbe {
  private OptionalProbe() {}

  interface Call {
    Object run() throws Exception;
  }

  /**
   * Runs it.
   *
   * @param args {@code TOKENIZER.json MODEL.onnx MODEL_FOLDER}
   */
  public static void main(String[] args) {
    probe("tokenizer", () -> HfTokenizer.open(Path.of(args[0])));
    probe("onnx", () -> OnnxInitializers.open(Path.of(args[1])));
    probe("onnx-spec", () -> EmbeddingSources.load(args[1], ProgressListener.NONE));
    probe("folder-tokenizer", () -> EmbeddingSources.open(args[2], ProgressListener.NONE));
    probe("folder-matrix", () -> EmbeddingSources.load(args[2], ProgressListener.NONE).rows());
  }

  private static void probe(String what, Call call) {
    try {
      System.out.println(what + ": ok " + call.run());
    } catch (Exception | LinkageError e) {
      System.out.println(what + ": " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
