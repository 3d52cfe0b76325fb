package io.github.embeddinggeometry.backend.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The per-core data cache sizes the micro-kernel loop is blocked for, read once from Linux's {@code
 * /sys/devices/system/cpu/cpu0/cache/index*} ({@code level}, {@code type}, {@code size});
 * elsewhere, or when a file is missing or malformed, the sizes of the smallest common x86 core of
 * the last decade (32 KiB L1d, 256 KiB L2), so a wrong guess costs speed, never correctness.
 *
 * @param l1d bytes of level-1 data cache per core
 * @param l2 bytes of level-2 cache per core
 * @since 0.1
 */
public record CacheSizes(long l1d, long l2) {
  /** The fallback when the machine does not say. */
  public static final CacheSizes FALLBACK = new CacheSizes(32 << 10, 256 << 10);

  private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

  private static final class Holder {
    static final CacheSizes MACHINE = read(SYSFS);
  }

  /**
   * This machine's sizes (read once).
   *
   * @return the sizes, read once per process
   */
  public static CacheSizes machine() {
    return Holder.MACHINE;
  }

  /**
   * Reads a sysfs cache directory ({@code index0}, {@code index1}, ...); each level falls back to
   * {@link #FALLBACK} on its own when absent or unreadable.
   *
   * @param dir a folder laid out as {@code /sys/devices/system/cpu/cpu0/cache}
   * @return the sizes found, the fallback for those missing
   */
  public static CacheSizes read(Path dir) {
    long l1 = 0;
    long l2 = 0;
    for (int i = 0; i < 16; i++) {
      Path idx = dir.resolve("index" + i);
      if (!Files.isDirectory(idx)) {
        continue;
      }
      try {
        int level = Integer.parseInt(text(idx.resolve("level")));
        String type = text(idx.resolve("type")).toLowerCase(Locale.ROOT);
        long size = parseSize(text(idx.resolve("size")));
        if (level == 1 && type.equals("data")) {
          l1 = size;
        } else if (level == 2 && !type.equals("instruction")) {
          l2 = size;
        }
      } catch (IOException | RuntimeException e) {
        // this index says nothing usable; keep what the others said
      }
    }
    return new CacheSizes(l1 > 0 ? l1 : FALLBACK.l1d, l2 > 0 ? l2 : FALLBACK.l2);
  }

  private static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.US_ASCII).trim();
  }

  /** "32K", "512K", "1M", "49152": bytes; throws on anything else or a non-positive size. */
  static long parseSize(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("K")) {
      mult = 1 << 10;
    } else if (t.endsWith("M")) {
      mult = 1 << 20;
    }
    if (mult != 1) {
      t = t.substring(0, t.length() - 1);
    }
    long v = Long.parseLong(t) * mult;
    if (v <= 0) {
      throw new NumberFormatException("not a positive size: " + s);
    }
    return v;
  }

  /**
   * The depth of one cache block for a micro-kernel whose B micro-panel is {@code nr} floats wide:
   * the panel ({@code kc * nr} floats) takes about half of L1, so it stays there while the A
   * micro-panels stream past it (BLIS's rule). A multiple of 16 in [64, 1024]: 256 for 16-float
   * panels in 32 KiB (AVX2), 192 for 32-float panels in 48 KiB (AVX-512 on Zen 5 or Sapphire
   * Rapids), 128 for 32-float panels in 32 KiB (Skylake-X).
   *
   * @param nr rows of B per micro-panel
   * @return the depth block, a multiple of 16
   */
  public int kc(int nr) {
    long k = l1d / 2 / (4L * nr);
    return (int) Math.max(64, Math.min(1024, k / 16 * 16));
  }

  /**
   * Rows of A per L2 block for depth blocks of {@code kc}: the A block ({@code ic * kc} floats)
   * takes about half of L2, the rest holding B panels and C. A multiple of {@code mr}, at least
   * {@code mr}: 252 for 6-row panels with kc = 256 in 512 KiB, 1,356 for 12-row panels with kc =
   * 192 in 2 MiB.
   *
   * @param mr rows of A per micro-panel
   * @param kc the depth block
   * @return rows of A per L2 block, a multiple of {@code mr}
   */
  public int ic(int mr, int kc) {
    long rows = l2 / 2 / (4L * kc);
    return (int) Math.max(mr, Math.min(1 << 16, rows / mr * mr));
  }
}
