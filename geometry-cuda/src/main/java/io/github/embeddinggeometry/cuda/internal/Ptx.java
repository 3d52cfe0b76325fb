package io.github.embeddinggeometry.cuda.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PTX module shipped as a class-path resource, with the header facts the loader checks. */
public record Ptx(
    String resource, String text, String version, String target, List<String> entries) {
  /** Resource holding the kernels of {@code src/main/cuda/geometry_kernels.cu}. */
  public static final String KERNELS = "geometry_kernels.ptx";

  /** Highest PTX ISA that every CUDA 12.0 driver JIT-compiles. */
  public static final String MAX_ISA = "8.0";

  private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\d+\\.\\d+)\\s*$");
  private static final Pattern TARGET = Pattern.compile("(?m)^\\.target\\s+(\\S+)\\s*$");
  private static final Pattern ENTRY = Pattern.compile("(?m)^\\.visible\\s+\\.entry\\s+(\\w+)\\(");

  /** Reads and parses a resource next to this class. */
  public static Ptx load(String name) {
    try (InputStream in = Ptx.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "PTX resource "
                + name
                + " is missing from the class path"
                + " (geometry-cuda jar incomplete; regenerate with geometry-cuda/build-ptx.sh)");
      }
      return parse(name, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read PTX resource " + name, e);
    }
  }

  static Ptx parse(String name, String text) {
    Matcher v = VERSION.matcher(text);
    Matcher t = TARGET.matcher(text);
    if (!v.find() || !t.find()) {
      throw new IllegalStateException("PTX resource " + name + " has no .version/.target header");
    }
    List<String> entries = new ArrayList<>();
    Matcher e = ENTRY.matcher(text);
    while (e.find()) {
      entries.add(e.group(1));
    }
    return new Ptx(name, text, v.group(1), t.group(1), List.copyOf(entries));
  }

  /** True when {@code version} (e.g. "7.8") is not newer than {@code max} (e.g. "8.0"). */
  static boolean isaAtMost(String version, String max) {
    String[] a = version.split("\\.");
    String[] b = max.split("\\.");
    int ma = Integer.parseInt(a[0]);
    int mb = Integer.parseInt(b[0]);
    return ma != mb ? ma < mb : Integer.parseInt(a[1]) <= Integer.parseInt(b[1]);
  }

  /** The PTX as the NUL-terminated bytes cuModuleLoadData expects. */
  byte[] image() {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }
}
