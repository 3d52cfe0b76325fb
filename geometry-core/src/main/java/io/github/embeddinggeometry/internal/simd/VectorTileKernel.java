package io.github.embeddinggeometry.internal.simd;

import io.github.embeddinggeometry.backend.spi.TileKernel;
import io.github.embeddinggeometry.internal.Settings;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The JDK Vector API micro-kernels: R rows of A x 2 vectors of B, R = 4, 6, 8 or 12, the one that
 * ran fastest on this machine, JDK and species ({@code internal.kernel.Calibration}): the register
 * file alone does not decide it (a shape made for AVX-512's thirty-two registers can compile into a
 * kernel many times slower, and one that fits may spill under another JDK's compiler). Each step of
 * k loads two B vectors, broadcasts R A values and issues 2R fused multiply-adds, so every lane of
 * C is the sequential fused sum over k, whatever its position in the tile and whatever R or the
 * lane count: every shape gives the same bits. Two vectors of B, not three: 4 x 3 vectors needs
 * four broadcasts plus three loads per step, which leaves the FMA units idle (measured in L1, as
 * were a k-counted loop and a loop unrolled twice, both slower).
 *
 * <p>The species is a static final ({@code -Dembgeo.vector.bits} may force another width, for
 * tests: a 128-bit species runs here as on NEON or SSE machines, a 512-bit one as on AVX-512, there
 * without intrinsics but with the same results), so the JIT folds it into every kernel.
 *
 * <p>Loaded only reflectively, through {@link VectorSimd}, after checking that the {@code
 * jdk.incubator.vector} module is readable; nothing else refers to this package.
 */
public abstract class VectorTileKernel extends TileKernel {
  static final VectorSpecies<Float> S = species();
  static final int L = S.length();
  static final int NR = 2 * L;

  /**
   * Fused multiply-add, or multiply then add where the CPU has no FMA unit (the Vector API's
   * fallback for FMA without hardware support is very slow) or {@code -Dembgeo.fma=false} asks for
   * it. A static final, so the JIT folds the choice into each micro-kernel: one loop body, two
   * instruction sequences.
   */
  static final boolean FMA = Settings.fma(hardwareFma());

  /**
   * The kernel of {@code rows} rows (4, 6, 8 or 12) on this JVM's species.
   *
   * @throws IllegalArgumentException for another row count
   */
  static TileKernel create(int rows) {
    switch (rows) {
      case 4:
        return new Rows4();
      case 6:
        return new Rows6();
      case 8:
        return new Rows8();
      case 12:
        return new Rows12();
      default:
        throw new IllegalArgumentException("no " + rows + "-row micro-kernel (4, 6, 8 or 12)");
    }
  }

  private static VectorSpecies<Float> species() {
    int bits = Settings.vectorBits();
    return bits == 0
        ? FloatVector.SPECIES_PREFERRED
        : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }

  /** Whether HotSpot emits FMA instructions ({@code -XX:+UseFMA}, set from the CPU's features). */
  static boolean hardwareFma() {
    try {
      var bean =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return bean == null || Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
    } catch (RuntimeException | LinkageError e) {
      return true;
    }
  }

  static FloatVector madd(FloatVector a, FloatVector b, FloatVector c) {
    return FMA ? a.fma(b, c) : a.mul(b).add(c);
  }

  static DoubleVector madd(DoubleVector a, DoubleVector b, DoubleVector c) {
    return FMA ? a.fma(b, c) : a.mul(b).add(c);
  }

  @Override
  public final int nr() {
    return NR;
  }

  @Override
  public String description() {
    return "Vector API, "
        + S.vectorBitSize()
        + "-bit, "
        + L
        + " float lanes, "
        + mr()
        + "x"
        + NR
        + " tile, "
        + (FMA ? "FMA" : "no FMA");
  }

  /**
   * 4 rows of A x 2 vectors of B: 8 accumulators, two B vectors and one broadcast, leaving spare
   * registers of the sixteen of AVX2.
   */
  static final class Rows4 extends VectorTileKernel {
    @Override
    public int mr() {
      return 4;
    }

    @Override
    public void micro(
        float[] ap,
        int apOff,
        float[] bp,
        int bpOff,
        int kc,
        float[] c,
        int cOff,
        int ldc,
        boolean accumulate) {
      FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
      int o0 = cOff;
      int o1 = o0 + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      if (accumulate) {
        c00 = FloatVector.fromArray(S, c, o0);
        c01 = FloatVector.fromArray(S, c, o0 + L);
        c10 = FloatVector.fromArray(S, c, o1);
        c11 = FloatVector.fromArray(S, c, o1 + L);
        c20 = FloatVector.fromArray(S, c, o2);
        c21 = FloatVector.fromArray(S, c, o2 + L);
        c30 = FloatVector.fromArray(S, c, o3);
        c31 = FloatVector.fromArray(S, c, o3 + L);
      } else {
        FloatVector z = FloatVector.zero(S);
        c00 = z;
        c01 = z;
        c10 = z;
        c11 = z;
        c20 = z;
        c21 = z;
        c30 = z;
        c31 = z;
      }
      int end = apOff + kc * 4;
      int b = bpOff;
      for (int a = apOff; a < end; a += 4, b += NR) {
        FloatVector b0 = FloatVector.fromArray(S, bp, b);
        FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
        FloatVector a0 = FloatVector.broadcast(S, ap[a]);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
      }
      c00.intoArray(c, o0);
      c01.intoArray(c, o0 + L);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + L);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + L);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + L);
    }

    @Override
    public int mrDouble() {
      return 4;
    }

    /** The float64 kernel in the same 4-row shape, for the same reason (JDK 25 spills 6 rows). */
    @Override
    public void microDouble(
        double[] ap, int apOff, double[] bp, int bpOff, int kc, double[] c, int cOff, int ldc) {
      int o0 = cOff;
      int o1 = o0 + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      DoubleVector c00 = DoubleVector.fromArray(SD, c, o0);
      DoubleVector c01 = DoubleVector.fromArray(SD, c, o0 + LD);
      DoubleVector c10 = DoubleVector.fromArray(SD, c, o1);
      DoubleVector c11 = DoubleVector.fromArray(SD, c, o1 + LD);
      DoubleVector c20 = DoubleVector.fromArray(SD, c, o2);
      DoubleVector c21 = DoubleVector.fromArray(SD, c, o2 + LD);
      DoubleVector c30 = DoubleVector.fromArray(SD, c, o3);
      DoubleVector c31 = DoubleVector.fromArray(SD, c, o3 + LD);
      int end = apOff + kc * 4;
      int b = bpOff;
      for (int a = apOff; a < end; a += 4, b += NRD) {
        DoubleVector b0 = DoubleVector.fromArray(SD, bp, b);
        DoubleVector b1 = DoubleVector.fromArray(SD, bp, b + LD);
        DoubleVector a0 = DoubleVector.broadcast(SD, ap[a]);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        DoubleVector a1 = DoubleVector.broadcast(SD, ap[a + 1]);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        DoubleVector a2 = DoubleVector.broadcast(SD, ap[a + 2]);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        DoubleVector a3 = DoubleVector.broadcast(SD, ap[a + 3]);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
      }
      c00.intoArray(c, o0);
      c01.intoArray(c, o0 + LD);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + LD);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + LD);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + LD);
    }
  }

  /**
   * 6 rows of A x 2 vectors of B: 12 accumulators, two B vectors and one broadcast (fits the
   * sixteen registers of AVX2; the layout BLIS uses on Haswell).
   */
  static final class Rows6 extends VectorTileKernel {
    @Override
    public int mr() {
      return 6;
    }

    @Override
    public void micro(
        float[] ap,
        int apOff,
        float[] bp,
        int bpOff,
        int kc,
        float[] c,
        int cOff,
        int ldc,
        boolean accumulate) {
      FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
      int o0 = cOff;
      int o1 = o0 + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      int o4 = o3 + ldc;
      int o5 = o4 + ldc;
      if (accumulate) {
        c00 = FloatVector.fromArray(S, c, o0);
        c01 = FloatVector.fromArray(S, c, o0 + L);
        c10 = FloatVector.fromArray(S, c, o1);
        c11 = FloatVector.fromArray(S, c, o1 + L);
        c20 = FloatVector.fromArray(S, c, o2);
        c21 = FloatVector.fromArray(S, c, o2 + L);
        c30 = FloatVector.fromArray(S, c, o3);
        c31 = FloatVector.fromArray(S, c, o3 + L);
        c40 = FloatVector.fromArray(S, c, o4);
        c41 = FloatVector.fromArray(S, c, o4 + L);
        c50 = FloatVector.fromArray(S, c, o5);
        c51 = FloatVector.fromArray(S, c, o5 + L);
      } else {
        FloatVector z = FloatVector.zero(S);
        c00 = z;
        c01 = z;
        c10 = z;
        c11 = z;
        c20 = z;
        c21 = z;
        c30 = z;
        c31 = z;
        c40 = z;
        c41 = z;
        c50 = z;
        c51 = z;
      }
      // The loop runs on the A index alone (no separate counter): C2 then keeps every value in a
      // register and hoists the range checks; measured about 25% faster than counting k.
      int end = apOff + kc * 6;
      int b = bpOff;
      for (int a = apOff; a < end; a += 6, b += NR) {
        FloatVector b0 = FloatVector.fromArray(S, bp, b);
        FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
        FloatVector a0 = FloatVector.broadcast(S, ap[a]);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
        FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
        c40 = madd(a4, b0, c40);
        c41 = madd(a4, b1, c41);
        FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
        c50 = madd(a5, b0, c50);
        c51 = madd(a5, b1, c51);
      }
      c00.intoArray(c, o0);
      c01.intoArray(c, o0 + L);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + L);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + L);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + L);
      c40.intoArray(c, o4);
      c41.intoArray(c, o4 + L);
      c50.intoArray(c, o5);
      c51.intoArray(c, o5 + L);
    }
  }

  /**
   * 8 rows of A x 2 vectors of B: 16 accumulators, two B vectors and one broadcast (fits the
   * thirty-two registers of AVX-512 or NEON/SVE with room to spare; on AVX2's sixteen it spills,
   * which the calibration measures and then does not choose).
   */
  static final class Rows8 extends VectorTileKernel {
    @Override
    public int mr() {
      return 8;
    }

    @Override
    public void micro(
        float[] ap,
        int apOff,
        float[] bp,
        int bpOff,
        int kc,
        float[] c,
        int cOff,
        int ldc,
        boolean accumulate) {
      FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
      int o0 = cOff;
      int o1 = o0 + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      int o4 = o3 + ldc;
      int o5 = o4 + ldc;
      int o6 = o5 + ldc;
      int o7 = o6 + ldc;
      if (accumulate) {
        c00 = FloatVector.fromArray(S, c, o0);
        c01 = FloatVector.fromArray(S, c, o0 + L);
        c10 = FloatVector.fromArray(S, c, o1);
        c11 = FloatVector.fromArray(S, c, o1 + L);
        c20 = FloatVector.fromArray(S, c, o2);
        c21 = FloatVector.fromArray(S, c, o2 + L);
        c30 = FloatVector.fromArray(S, c, o3);
        c31 = FloatVector.fromArray(S, c, o3 + L);
        c40 = FloatVector.fromArray(S, c, o4);
        c41 = FloatVector.fromArray(S, c, o4 + L);
        c50 = FloatVector.fromArray(S, c, o5);
        c51 = FloatVector.fromArray(S, c, o5 + L);
        c60 = FloatVector.fromArray(S, c, o6);
        c61 = FloatVector.fromArray(S, c, o6 + L);
        c70 = FloatVector.fromArray(S, c, o7);
        c71 = FloatVector.fromArray(S, c, o7 + L);
      } else {
        FloatVector z = FloatVector.zero(S);
        c00 = z;
        c01 = z;
        c10 = z;
        c11 = z;
        c20 = z;
        c21 = z;
        c30 = z;
        c31 = z;
        c40 = z;
        c41 = z;
        c50 = z;
        c51 = z;
        c60 = z;
        c61 = z;
        c70 = z;
        c71 = z;
      }
      int end = apOff + kc * 8;
      int b = bpOff;
      for (int a = apOff; a < end; a += 8, b += NR) {
        FloatVector b0 = FloatVector.fromArray(S, bp, b);
        FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
        FloatVector a0 = FloatVector.broadcast(S, ap[a]);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
        FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
        c40 = madd(a4, b0, c40);
        c41 = madd(a4, b1, c41);
        FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
        c50 = madd(a5, b0, c50);
        c51 = madd(a5, b1, c51);
        FloatVector a6 = FloatVector.broadcast(S, ap[a + 6]);
        c60 = madd(a6, b0, c60);
        c61 = madd(a6, b1, c61);
        FloatVector a7 = FloatVector.broadcast(S, ap[a + 7]);
        c70 = madd(a7, b0, c70);
        c71 = madd(a7, b1, c71);
      }
      c00.intoArray(c, o0);
      c01.intoArray(c, o0 + L);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + L);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + L);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + L);
      c40.intoArray(c, o4);
      c41.intoArray(c, o4 + L);
      c50.intoArray(c, o5);
      c51.intoArray(c, o5 + L);
      c60.intoArray(c, o6);
      c61.intoArray(c, o6 + L);
      c70.intoArray(c, o7);
      c71.intoArray(c, o7 + L);
    }
  }

  /**
   * 12 rows of A x 2 vectors of B: 24 accumulators, two B vectors and one broadcast (fits the
   * thirty-two registers of AVX-512 or NEON/SVE; the layout BLIS uses on Skylake-X).
   */
  static final class Rows12 extends VectorTileKernel {
    @Override
    public int mr() {
      return 12;
    }

    @Override
    public void micro(
        float[] ap,
        int apOff,
        float[] bp,
        int bpOff,
        int kc,
        float[] c,
        int cOff,
        int ldc,
        boolean accumulate) {
      FloatVector c00,
          c01,
          c10,
          c11,
          c20,
          c21,
          c30,
          c31,
          c40,
          c41,
          c50,
          c51,
          c60,
          c61,
          c70,
          c71,
          c80,
          c81,
          c90,
          c91,
          c100,
          c101,
          c110,
          c111;
      int o0 = cOff;
      int o1 = o0 + ldc;
      int o2 = o1 + ldc;
      int o3 = o2 + ldc;
      int o4 = o3 + ldc;
      int o5 = o4 + ldc;
      int o6 = o5 + ldc;
      int o7 = o6 + ldc;
      int o8 = o7 + ldc;
      int o9 = o8 + ldc;
      int o10 = o9 + ldc;
      int o11 = o10 + ldc;
      if (accumulate) {
        c00 = FloatVector.fromArray(S, c, o0);
        c01 = FloatVector.fromArray(S, c, o0 + L);
        c10 = FloatVector.fromArray(S, c, o1);
        c11 = FloatVector.fromArray(S, c, o1 + L);
        c20 = FloatVector.fromArray(S, c, o2);
        c21 = FloatVector.fromArray(S, c, o2 + L);
        c30 = FloatVector.fromArray(S, c, o3);
        c31 = FloatVector.fromArray(S, c, o3 + L);
        c40 = FloatVector.fromArray(S, c, o4);
        c41 = FloatVector.fromArray(S, c, o4 + L);
        c50 = FloatVector.fromArray(S, c, o5);
        c51 = FloatVector.fromArray(S, c, o5 + L);
        c60 = FloatVector.fromArray(S, c, o6);
        c61 = FloatVector.fromArray(S, c, o6 + L);
        c70 = FloatVector.fromArray(S, c, o7);
        c71 = FloatVector.fromArray(S, c, o7 + L);
        c80 = FloatVector.fromArray(S, c, o8);
        c81 = FloatVector.fromArray(S, c, o8 + L);
        c90 = FloatVector.fromArray(S, c, o9);
        c91 = FloatVector.fromArray(S, c, o9 + L);
        c100 = FloatVector.fromArray(S, c, o10);
        c101 = FloatVector.fromArray(S, c, o10 + L);
        c110 = FloatVector.fromArray(S, c, o11);
        c111 = FloatVector.fromArray(S, c, o11 + L);
      } else {
        FloatVector z = FloatVector.zero(S);
        c00 = z;
        c01 = z;
        c10 = z;
        c11 = z;
        c20 = z;
        c21 = z;
        c30 = z;
        c31 = z;
        c40 = z;
        c41 = z;
        c50 = z;
        c51 = z;
        c60 = z;
        c61 = z;
        c70 = z;
        c71 = z;
        c80 = z;
        c81 = z;
        c90 = z;
        c91 = z;
        c100 = z;
        c101 = z;
        c110 = z;
        c111 = z;
      }
      // The loop runs on the A index alone (no separate counter): C2 then keeps every value in a
      // register and hoists the range checks; measured about 25% faster than counting k.
      int end = apOff + kc * 12;
      int b = bpOff;
      for (int a = apOff; a < end; a += 12, b += NR) {
        FloatVector b0 = FloatVector.fromArray(S, bp, b);
        FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
        FloatVector a0 = FloatVector.broadcast(S, ap[a]);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
        FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
        c40 = madd(a4, b0, c40);
        c41 = madd(a4, b1, c41);
        FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
        c50 = madd(a5, b0, c50);
        c51 = madd(a5, b1, c51);
        FloatVector a6 = FloatVector.broadcast(S, ap[a + 6]);
        c60 = madd(a6, b0, c60);
        c61 = madd(a6, b1, c61);
        FloatVector a7 = FloatVector.broadcast(S, ap[a + 7]);
        c70 = madd(a7, b0, c70);
        c71 = madd(a7, b1, c71);
        FloatVector a8 = FloatVector.broadcast(S, ap[a + 8]);
        c80 = madd(a8, b0, c80);
        c81 = madd(a8, b1, c81);
        FloatVector a9 = FloatVector.broadcast(S, ap[a + 9]);
        c90 = madd(a9, b0, c90);
        c91 = madd(a9, b1, c91);
        FloatVector a10 = FloatVector.broadcast(S, ap[a + 10]);
        c100 = madd(a10, b0, c100);
        c101 = madd(a10, b1, c101);
        FloatVector a11 = FloatVector.broadcast(S, ap[a + 11]);
        c110 = madd(a11, b0, c110);
        c111 = madd(a11, b1, c111);
      }
      c00.intoArray(c, o0);
      c01.intoArray(c, o0 + L);
      c10.intoArray(c, o1);
      c11.intoArray(c, o1 + L);
      c20.intoArray(c, o2);
      c21.intoArray(c, o2 + L);
      c30.intoArray(c, o3);
      c31.intoArray(c, o3 + L);
      c40.intoArray(c, o4);
      c41.intoArray(c, o4 + L);
      c50.intoArray(c, o5);
      c51.intoArray(c, o5 + L);
      c60.intoArray(c, o6);
      c61.intoArray(c, o6 + L);
      c70.intoArray(c, o7);
      c71.intoArray(c, o7 + L);
      c80.intoArray(c, o8);
      c81.intoArray(c, o8 + L);
      c90.intoArray(c, o9);
      c91.intoArray(c, o9 + L);
      c100.intoArray(c, o10);
      c101.intoArray(c, o10 + L);
      c110.intoArray(c, o11);
      c111.intoArray(c, o11 + L);
    }
  }

  // ------------------------------------------------------------------ distance epilogues

  @Override
  public int scanEuclidean(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      int bo,
      int from,
      int to,
      float bound) {
    int j = scanVectors(c, co, na, ra, nb, rb, bo, from, to, bound, null);
    return super.scanEuclidean(c, co, na, ra, nb, rb, bo, j, to, bound);
  }

  @Override
  public int scanEuclideanColumns(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      float[] bounds,
      int bo,
      int from,
      int to) {
    int j = scanVectors(c, co, na, ra, nb, rb, bo, from, to, 0f, bounds);
    return super.scanEuclideanColumns(c, co, na, ra, nb, rb, bounds, bo, j, to);
  }

  /**
   * Both Euclidean scans a vector at a time, against {@code bounds[bo + j]} when {@code bounds} is
   * not null, else {@code bound}: the first hit, or where whole vectors end. The scalar scan then
   * goes on from there (it finds a hit at its first step: the arithmetic is the same).
   */
  private static int scanVectors(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      int bo,
      int from,
      int to,
      float bound,
      float[] bounds) {
    int j = from;
    FloatVector nav = FloatVector.broadcast(S, na);
    FloatVector rav = FloatVector.broadcast(S, ra);
    FloatVector two = FloatVector.broadcast(S, 2f);
    FloatVector boundv = FloatVector.broadcast(S, bound);
    for (; j + L <= to; j += L) {
      FloatVector nbv = FloatVector.fromArray(S, nb, bo + j);
      FloatVector v = nbv.add(nav).sub(FloatVector.fromArray(S, c, co + j).mul(two));
      FloatVector thr = FloatVector.fromArray(S, rb, bo + j).add(rav);
      FloatVector limit = bounds == null ? boundv : FloatVector.fromArray(S, bounds, bo + j);
      VectorMask<Float> hit =
          v.compare(VectorOperators.LE, limit).or(v.compare(VectorOperators.GT, thr).not());
      if (hit.anyTrue()) {
        return j + hit.firstTrue();
      }
    }
    return j;
  }

  @Override
  public void sqrtEuclidean(
      float[] c, int co, float na, float[] nb, int bo, int n, float[] out, int oo) {
    int j = 0;
    FloatVector nav = FloatVector.broadcast(S, na);
    FloatVector two = FloatVector.broadcast(S, 2f);
    for (; j + L <= n; j += L) {
      FloatVector v =
          FloatVector.fromArray(S, nb, bo + j)
              .add(nav)
              .sub(FloatVector.fromArray(S, c, co + j).mul(two));
      v.lanewise(VectorOperators.SQRT).intoArray(out, oo + j);
    }
    for (; j < n; j++) {
      out[oo + j] = (float) Math.sqrt((na + nb[bo + j]) - 2f * c[co + j]);
    }
  }

  @Override
  public int euclideanDistances(
      float[] c,
      int co,
      float na,
      float ra,
      float[] nb,
      float[] rb,
      int bo,
      int n,
      float scale,
      float[] out,
      int oo) {
    int first = n;
    int j = 0;
    FloatVector nav = FloatVector.broadcast(S, na);
    FloatVector rav = FloatVector.broadcast(S, ra);
    FloatVector two = FloatVector.broadcast(S, 2f);
    FloatVector scalev = FloatVector.broadcast(S, scale);
    for (; j + L <= n; j += L) {
      FloatVector v =
          FloatVector.fromArray(S, nb, bo + j)
              .add(nav)
              .sub(FloatVector.fromArray(S, c, co + j).mul(two));
      v.lanewise(VectorOperators.SQRT).mul(scalev).intoArray(out, oo + j);
      if (first == n) {
        VectorMask<Float> refine =
            v.compare(VectorOperators.GT, FloatVector.fromArray(S, rb, bo + j).add(rav)).not();
        if (refine.anyTrue()) {
          first = j + refine.firstTrue();
        }
      }
    }
    for (; j < n; j++) {
      float v = (na + nb[bo + j]) - 2f * c[co + j];
      out[oo + j] = (float) Math.sqrt(v) * scale;
      if (first == n && !(v > ra + rb[bo + j])) {
        first = j;
      }
    }
    return first;
  }

  @Override
  public int scanCosine(
      float[] c,
      int co,
      float ia,
      float[] ib,
      int bo,
      int from,
      int to,
      float worst,
      float refine) {
    int j = from;
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector minusOne = FloatVector.broadcast(S, -1f);
    FloatVector iav = FloatVector.broadcast(S, ia);
    FloatVector worstv = FloatVector.broadcast(S, worst);
    FloatVector refinev = FloatVector.broadcast(S, refine);
    for (; j + L <= to; j += L) {
      FloatVector sim =
          FloatVector.fromArray(S, c, co + j).mul(FloatVector.fromArray(S, ib, bo + j).mul(iav));
      FloatVector dist = one.sub(sim.max(minusOne).min(one));
      VectorMask<Float> hit =
          dist.compare(VectorOperators.LT, worstv)
              .or(dist.compare(VectorOperators.GT, refinev).not());
      if (hit.anyTrue()) {
        return j + hit.firstTrue();
      }
    }
    return super.scanCosine(c, co, ia, ib, bo, j, to, worst, refine);
  }

  @Override
  public void cosineDistances(
      float[] c, int co, float ia, float[] ib, int bo, int n, float[] out, int oo) {
    int j = 0;
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector minusOne = FloatVector.broadcast(S, -1f);
    FloatVector iav = FloatVector.broadcast(S, ia);
    for (; j + L <= n; j += L) {
      FloatVector sim =
          FloatVector.fromArray(S, c, co + j).mul(FloatVector.fromArray(S, ib, bo + j).mul(iav));
      one.sub(sim.max(minusOne).min(one)).intoArray(out, oo + j);
    }
    super.cosineDistances(c, co + j, ia, ib, bo + j, n - j, out, oo + j);
  }

  // ------------------------------------------------------------------ float64 micro-kernel

  static final VectorSpecies<Double> SD =
      VectorSpecies.of(double.class, VectorShape.forBitSize(S.vectorBitSize()));
  static final int LD = SD.length();

  /**
   * As the scalar form, a vector at a time: the covariance widens one micro-tile per 256 steps, and
   * the scalar loop of convert, load, add and store per entry cost about a sixth of the
   * micro-kernel's own time there. The same additions, so the same bits. It widens whole float
   * vectors of the kernel's own species (parts 0 and 1): a half-width float species here made JDK
   * 17's C2 compile the micro-kernel itself without intrinsics in most runs (BENCHMARKS.md).
   */
  @Override
  protected void addWidened(float[] tile, double[] acc, int accOff) {
    int n = mr() * NR;
    for (int e = 0; e < n; e += L) {
      FloatVector f = FloatVector.fromArray(S, tile, e);
      DoubleVector lo = (DoubleVector) f.convertShape(VectorOperators.F2D, SD, 0);
      DoubleVector hi = (DoubleVector) f.convertShape(VectorOperators.F2D, SD, 1);
      DoubleVector.fromArray(SD, acc, accOff + e).add(lo).intoArray(acc, accOff + e);
      DoubleVector.fromArray(SD, acc, accOff + e + LD).add(hi).intoArray(acc, accOff + e + LD);
    }
  }

  private static final int MRD = 6;
  static final int NRD = 2 * LD;

  @Override
  public int mrDouble() {
    return MRD;
  }

  @Override
  public int nrDouble() {
    return NRD;
  }

  @Override
  public void microDouble(
      double[] ap, int apOff, double[] bp, int bpOff, int kc, double[] c, int cOff, int ldc) {
    int o0 = cOff;
    int o1 = o0 + ldc;
    int o2 = o1 + ldc;
    int o3 = o2 + ldc;
    int o4 = o3 + ldc;
    int o5 = o4 + ldc;
    DoubleVector c00 = DoubleVector.fromArray(SD, c, o0);
    DoubleVector c01 = DoubleVector.fromArray(SD, c, o0 + LD);
    DoubleVector c10 = DoubleVector.fromArray(SD, c, o1);
    DoubleVector c11 = DoubleVector.fromArray(SD, c, o1 + LD);
    DoubleVector c20 = DoubleVector.fromArray(SD, c, o2);
    DoubleVector c21 = DoubleVector.fromArray(SD, c, o2 + LD);
    DoubleVector c30 = DoubleVector.fromArray(SD, c, o3);
    DoubleVector c31 = DoubleVector.fromArray(SD, c, o3 + LD);
    DoubleVector c40 = DoubleVector.fromArray(SD, c, o4);
    DoubleVector c41 = DoubleVector.fromArray(SD, c, o4 + LD);
    DoubleVector c50 = DoubleVector.fromArray(SD, c, o5);
    DoubleVector c51 = DoubleVector.fromArray(SD, c, o5 + LD);
    int end = apOff + kc * MRD;
    int b = bpOff;
    for (int a = apOff; a < end; a += MRD, b += NRD) {
      DoubleVector b0 = DoubleVector.fromArray(SD, bp, b);
      DoubleVector b1 = DoubleVector.fromArray(SD, bp, b + LD);
      DoubleVector a0 = DoubleVector.broadcast(SD, ap[a]);
      c00 = madd(a0, b0, c00);
      c01 = madd(a0, b1, c01);
      DoubleVector a1 = DoubleVector.broadcast(SD, ap[a + 1]);
      c10 = madd(a1, b0, c10);
      c11 = madd(a1, b1, c11);
      DoubleVector a2 = DoubleVector.broadcast(SD, ap[a + 2]);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
      DoubleVector a3 = DoubleVector.broadcast(SD, ap[a + 3]);
      c30 = madd(a3, b0, c30);
      c31 = madd(a3, b1, c31);
      DoubleVector a4 = DoubleVector.broadcast(SD, ap[a + 4]);
      c40 = madd(a4, b0, c40);
      c41 = madd(a4, b1, c41);
      DoubleVector a5 = DoubleVector.broadcast(SD, ap[a + 5]);
      c50 = madd(a5, b0, c50);
      c51 = madd(a5, b1, c51);
    }
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + LD);
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + LD);
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + LD);
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + LD);
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + LD);
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + LD);
  }
}
