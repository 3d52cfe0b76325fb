package io.github.embeddinggeometry.internal.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Vector API call in this package takes a lane value as a scalar operand ({@code v.add(0f)},
 * {@code v.mul(scale)}, {@code v.compare(GT, x)}, {@code v.lanewise(LSHL, 16)}): each takes a
 * vector broadcast once, before the loop.
 *
 * <p>Why: the scalar forms broadcast through a virtual call inside the JDK's shared vector classes.
 * Once a process has used two shapes of one element type (this package uses 512- and 256-bit
 * floats, and the calibration times narrower species too), that call's profile holds both classes;
 * JDK 17's C2 then cannot keep the result in a register and boxes every vector. A 20,000-row
 * pairwise pass allocated 1.2 GB a call that way (6 bytes a value in the first pass), and the fresh
 * heap pages cost 0.2-0.3 s of a 3.7 s run. The vector forms compile to registers whatever the
 * profile. This is checked on the class files, since no test can see C2's choice without depending
 * on timing.
 */
class ScalarOperandTest {
  /** Lane-wise methods whose scalar overloads broadcast through the polluted call. */
  private static final Set<String> LANEWISE =
      Set.of(
          "add",
          "sub",
          "mul",
          "div",
          "min",
          "max",
          "pow",
          "fma",
          "lanewise",
          "compare",
          "blend",
          "and",
          "or",
          "eq",
          "lt");

  @Test
  void noLaneWiseCallTakesAScalarOperand() throws Exception {
    List<String> offenders = new ArrayList<>();
    int classes = 0;
    for (Path file : classFiles()) {
      classes++;
      for (String ref : vectorMethodRefs(file)) {
        String name = ref.substring(ref.indexOf('.') + 1, ref.indexOf(':'));
        String params = ref.substring(ref.indexOf('(') + 1, ref.indexOf(')'));
        // operators and species are objects; what is left of a lane-wise call must be vectors
        String rest = params.replaceAll("L[^;]+;", "");
        if (LANEWISE.contains(name) && !rest.isEmpty()) {
          offenders.add(file.getFileName() + ": " + ref);
        }
      }
    }
    assertThat(classes).as("class files of internal.simd found").isGreaterThanOrEqualTo(4);
    assertThat(offenders).as("lane-wise calls with a scalar operand").isEmpty();
  }

  /** This package's class files, from the directory or jar the tests run against. */
  private static List<Path> classFiles() throws Exception {
    URI where = VectorTileKernel.class.getProtectionDomain().getCodeSource().getLocation().toURI();
    Path root = Path.of(where);
    String pkg = VectorTileKernel.class.getPackageName().replace('.', '/');
    if (Files.isDirectory(root)) {
      return list(root.resolve(pkg));
    }
    FileSystem jar = FileSystems.newFileSystem(root, Map.of());
    return list(jar.getPath(pkg));
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".class")).toList();
    }
  }

  /**
   * The method references of a class file's constant pool whose owner is a class of {@code
   * jdk.incubator.vector}, as {@code Owner.name:(params)ret} (JVMS 4.4).
   */
  private static List<String> vectorMethodRefs(Path file) throws IOException {
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(is)) {
      assertThat(in.readInt()).as(file + " magic").isEqualTo(0xCAFEBABE);
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      int[][] refs = new int[count][]; // class index, name-and-type index
      int[][] nameAndType = new int[count][];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7, 8, 16, 19, 20 -> classNameIndex[i] = in.readUnsignedShort();
          case 3, 4 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++; // takes two entries
          }
          case 9, 10, 11 ->
              refs[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
          case 12 -> nameAndType[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          case 17, 18 -> in.readInt();
          default -> throw new IOException(file + ": constant pool tag " + tag + " at " + i);
        }
      }
      List<String> out = new ArrayList<>();
      for (int[] r : refs) {
        if (r == null || r[0] == 9) {
          continue; // not a method
        }
        String owner = utf8[classNameIndex[r[1]]];
        if (owner.startsWith("jdk/incubator/vector/")) {
          int[] nt = nameAndType[r[2]];
          out.add(owner + "." + utf8[nt[0]] + ":" + utf8[nt[1]]);
        }
      }
      return out;
    }
  }
}
