package io.github.embeddinggeometry.io.tensor;

/**
 * Element types of stored tensors, named as in the safetensors format.
 *
 * <p>{@code F8_E4M3} is the "fn" variant (no infinities, one NaN pattern per sign; torch's {@code
 * float8_e4m3fn}); {@code F8_E5M2} follows IEEE rules. Both are readable; the writers accept them
 * as raw bytes only.
 *
 * @since 0.1
 */
public enum DType {
  /** IEEE binary64. */
  F64(8, true),
  /** IEEE binary32. */
  F32(4, true),
  /** IEEE binary16. */
  F16(2, true),
  /** bfloat16: the upper 16 bits of a binary32. */
  BF16(2, true),
  /** 8-bit float, 4 exponent bits, 3 mantissa bits, finite only ("fn"). */
  F8_E4M3(1, true),
  /** 8-bit float, 5 exponent bits, 2 mantissa bits. */
  F8_E5M2(1, true),
  /** Signed 64-bit integer. */
  I64(8, false),
  /** Signed 32-bit integer. */
  I32(4, false),
  /** Signed 16-bit integer. */
  I16(2, false),
  /** Signed 8-bit integer. */
  I8(1, false),
  /** Unsigned 64-bit integer (values above 2^63-1 read as negative longs). */
  U64(8, false),
  /** Unsigned 32-bit integer. */
  U32(4, false),
  /** Unsigned 16-bit integer. */
  U16(2, false),
  /** Unsigned 8-bit integer. */
  U8(1, false),
  /** One byte per value, 0 = false, anything else = true. */
  BOOL(1, false);

  private final int bytes;
  private final boolean floating;

  DType(int bytes, boolean floating) {
    this.bytes = bytes;
    this.floating = floating;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** True for the floating-point types. */
  public boolean isFloatingPoint() {
    return floating;
  }

  /**
   * The type with this safetensors name ("F32", "BF16", ...), case-sensitive as the format is.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static DType fromSafetensorsName(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown dtype \"" + name + "\"");
  }
}
