package io.github.embeddinggeometry.cli.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every file the command line writes appears whole or not at all: it is written to a new temporary
 * file in the target's folder ({@code NAME.<random>.tmp}, created exclusively, so a link planted at
 * that name is never followed), flushed to disk, then renamed over the target in one atomic step (a
 * symbolic link at the target is replaced, never followed). The temporary file is removed when
 * writing fails, and by {@link #abandon()} (the command's shutdown hook on SIGINT/SIGTERM).
 *
 * <p>A write that runs out of space (no space left, quota, file-size limit) throws {@link
 * OutOfSpaceException} naming the file and the bytes it needs.
 *
 * @since 0.1
 */
public final class AtomicFiles {
  /** Temporary files being written now; guarded by the class lock. */
  private static final Set<Path> PENDING = new HashSet<>();

  /** Set under the class lock; read without it by the computations that poll it. */
  private static volatile boolean abandoned;

  private AtomicFiles() {}

  /** Writes the file's content to the channel of the temporary file. */
  @FunctionalInterface
  public interface Body {
    /**
     * @param out the temporary file, positioned at 0; closed by the caller
     */
    void write(FileChannel out) throws IOException;
  }

  /** Writes {@code bytes} as the whole content of {@code target}. */
  public static void write(Path target, byte[] bytes) {
    write(
        target,
        bytes.length,
        out -> {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            out.write(b);
          }
        });
  }

  /**
   * Writes {@code target} through {@code body}.
   *
   * @param expectedBytes the file's size, or an estimate (-1 when unknown), for the free-space
   *     check before writing and the message when space runs out
   * @throws OutOfSpaceException when the file system has no room for it
   * @throws UncheckedIOException for any other I/O failure, naming the file
   * @throws CancellationException after {@link #abandon()}
   */
  public static void write(Path target, long expectedBytes, Body body) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)
                + ".tmp");
    checkSpace(target, dir, expectedBytes);
    FileChannel ch;
    try {
      ch = create(tmp);
    } catch (IOException e) {
      throw failure(target, dir, expectedBytes, e);
    }
    // From here the temporary file is ours: removed unless it became the target.
    boolean moved = false;
    try {
      try (ch) {
        body.write(ch);
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      syncFolder(dir);
    } catch (IOException e) {
      throw failure(target, dir, expectedBytes, e);
    } finally {
      synchronized (AtomicFiles.class) {
        PENDING.remove(tmp);
      }
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Nothing more to do: the name ends in .tmp and never looks like a result.
        }
      }
    }
  }

  private static RuntimeException failure(Path target, Path dir, long expected, IOException e) {
    if (OutOfSpaceException.isOutOfSpace(e)) {
      return new OutOfSpaceException(target, expected, free(dir), e);
    }
    return new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
  }

  /**
   * Removes every temporary file being written and refuses new ones: for a shutdown hook. A writer
   * that is still running then fails to rename its file, so no partial file appears.
   */
  public static void abandon() {
    synchronized (AtomicFiles.class) {
      abandoned = true;
      for (Path p : PENDING) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // Best effort on the way out.
        }
      }
      PENDING.clear();
    }
  }

  /** True once {@link #abandon()} ran: long computations stop. */
  public static boolean isAbandoned() {
    return abandoned;
  }

  /** Creates the temporary file and registers it in one step, so the hook sees every one. */
  private static synchronized FileChannel create(Path tmp) throws IOException {
    if (abandoned) {
      throw new CancellationException("shutting down: not writing " + tmp);
    }
    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    PENDING.add(tmp);
    return ch;
  }

  private static void checkSpace(Path target, Path dir, long expectedBytes) {
    long free = free(dir);
    if (expectedBytes > 0 && free >= 0 && expectedBytes > free) {
      throw new OutOfSpaceException(target, expectedBytes, free, null);
    }
  }

  /** Usable bytes on the folder's file system, -1 when unknown. */
  static long free(Path dir) {
    try {
      FileStore store = Files.getFileStore(dir);
      return store.getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Makes the rename durable (best effort: not every platform can open a folder). */
  private static void syncFolder(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException ignored) {
      // The file itself is complete; only the rename's durability is at stake.
    }
  }

  /** The names {@link #write} gives its temporary files: {@code NAME.<hex>.tmp}. */
  private static final java.util.regex.Pattern TEMPORARY =
      java.util.regex.Pattern.compile(".+\\.[0-9a-f]{1,16}\\.tmp");

  /**
   * Removes the temporary files of writers killed before they could clean up (SIGKILL, power loss):
   * the regular files in {@code dir} named as {@link #write} names them and last modified before
   * {@code before}. Only for a caller that holds the folder's {@link FolderLock}, so that no live
   * writer's file can match.
   *
   * @return the files removed
   */
  public static List<Path> removeStale(Path dir, Instant before) throws IOException {
    List<Path> removed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (!TEMPORARY.matcher(p.getFileName().toString()).matches()) {
          continue;
        }
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(before)) {
          Files.deleteIfExists(p);
          removed.add(p);
        }
      }
    }
    return removed;
  }

  static String bytes(long n) {
    return String.format(Locale.ROOT, "%,d bytes", n);
  }
}
