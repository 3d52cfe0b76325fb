package io.github.embeddinggeometry.io.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The two optional dependencies of geometry-io. Reading safetensors, {@code .npy} and torch files
 * needs neither; only decoding a {@code tokenizer.json} (DJL's tokenizers, 18 MB of native
 * libraries for four platforms) and reading an ONNX file (protobuf) do, so an application that
 * wants those declares the artifact itself. Each entry point that needs one calls {@link #require}
 * before any class of the artifact is loaded: without it the user would meet a bare {@link
 * NoClassDefFoundError} deep inside the reader instead of the coordinates to add.
 */
public enum OptionalDependency {
  /** DJL's Hugging Face tokenizers, for {@code HfTokenizer}. */
  TOKENIZERS(
      "ai.djl.huggingface",
      "tokenizers",
      "ai.djl.tokenizers",
      "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer"),
  /** protobuf-java's wire-format reader, for {@code OnnxInitializers}. */
  PROTOBUF(
      "com.google.protobuf",
      "protobuf-java",
      "com.google.protobuf",
      "com.google.protobuf.CodedInputStream");

  private final String groupId;
  private final String artifactId;
  private final String moduleName;
  private final String probeClass;

  OptionalDependency(String groupId, String artifactId, String moduleName, String probeClass) {
    this.groupId = groupId;
    this.artifactId = artifactId;
    this.moduleName = moduleName;
    this.probeClass = probeClass;
  }

  /**
   * {@code group:artifact:version}, the version being the one geometry-io was built with.
   *
   * @return the Maven coordinates
   */
  String coordinates() {
    String ga = groupId + ":" + artifactId;
    String version = Versions.BUILT_WITH.getProperty(ga);
    return version == null || version.startsWith("$") ? ga : ga + ":" + version;
  }

  /**
   * True when the artifact's classes can be loaded by geometry-io: on the class path, or on the
   * module path with its module resolved (geometry-io only {@code requires static} it).
   *
   * @return whether it is present
   */
  boolean isPresent() {
    return isPresent(probeClass);
  }

  static boolean isPresent(String className) {
    try {
      Class.forName(className, false, OptionalDependency.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Fails, naming the artifact to add, when it is absent.
   *
   * @param what what the caller was asked to do, e.g. {@code "reading the ONNX file m.onnx"}
   * @throws IOException naming {@code what}, the artifact's coordinates and its module name
   */
  public void require(String what) throws IOException {
    if (!isPresent()) {
      throw new IOException(missing(what));
    }
  }

  String missing(String what) {
    return what
        + " needs "
        + coordinates()
        + ", an optional dependency of geometry-io that is not on the class path: add it to the"
        + " application's dependencies (on the module path, also resolve its module "
        + moduleName
        + ", e.g. --add-modules "
        + moduleName
        + ")";
  }

  /** Read once, on first use: a class of its own so that the enum's constants need no I/O. */
  private static final class Versions {
    static final Properties BUILT_WITH = load();

    private static Properties load() {
      Properties p = new Properties();
      try (InputStream in =
          OptionalDependency.class.getResourceAsStream("optional-dependencies.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException | IllegalArgumentException e) {
        // The coordinates without a version are still the answer the user needs.
      }
      return p;
    }
  }
}
