package io.github.embeddinggeometry.cli.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per output folder: an advisory lock on the file {@value #NAME} in the folder, held
 * from before the first file is written until the run ends. Two runs writing into one folder would
 * otherwise leave a report of one run beside the data of the other. The lock is the operating
 * system's (fcntl on Linux): it dies with the process, so a killed run never leaves the folder
 * locked, and the file itself is never removed (removing it would let a third run lock a new file
 * while the second still holds the old one).
 *
 * @since 0.1
 */
public final class FolderLock implements AutoCloseable {
  /** The lock file's name in the output folder. */
  public static final String NAME = ".geometry.lock";

  /** A holder line is short; anything longer is not one this class wrote. */
  private static final int MAX_HOLDER_BYTES = 200;

  private final FileChannel channel;
  private final FileLock lock;
  private final Instant since;

  private FolderLock(FileChannel channel, FileLock lock, Instant since) {
    this.channel = channel;
    this.lock = lock;
    this.since = since;
  }

  /**
   * Takes the lock of {@code dir} (an existing folder) if no other run holds it.
   *
   * @return the lock, or null when another run (another process, or another command in this JVM)
   *     holds it
   * @throws IOException when the lock file cannot be opened (a symbolic link at its name is removed
   *     first, never followed)
   */
  public static FolderLock tryTake(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (Files.isSymbolicLink(file)) {
      // Planted, never ours: replaced like a link at any output name, never followed.
      Files.deleteIfExists(file);
    }
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    FileLock l = null;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // Held by this JVM (the in-process test runner): busy like any other holder.
    } finally {
      if (l == null) {
        ch.close();
      }
    }
    if (l == null) {
      return null;
    }
    Instant now = Instant.now();
    // Who holds it, for the message of a run that finds it taken; written only over what this
    // class wrote before, so a file planted at the name (a hard link) keeps its content. Read
    // through this channel: closing any other descriptor of the file would release the lock
    // (POSIX record locks belong to the process, not to the descriptor).
    if (ch.size() == 0 || isHolderLine(ch)) {
      ch.truncate(0);
      ByteBuffer who =
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + ", since " + now)
                  .getBytes(StandardCharsets.UTF_8));
      while (who.hasRemaining()) {
        ch.write(who);
      }
    }
    return new FolderLock(ch, l, now);
  }

  private static boolean isHolderLine(FileChannel ch) throws IOException {
    if (ch.size() > MAX_HOLDER_BYTES) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate((int) ch.size());
    while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
      // read on
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).startsWith("pid ");
  }

  /**
   * What the holder wrote into the lock file ("pid 123, since ..."), "" when unknown. Only for a
   * run that does not hold the lock (reading it would release a lock this process holds).
   */
  public static String holder(Path dir) {
    try {
      Path file = dir.resolve(NAME);
      if (Files.size(file) > MAX_HOLDER_BYTES) {
        return "";
      }
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      return s.startsWith("pid ") ? s : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** When this run took the lock: temporary files older than that are a killed run's. */
  public Instant since() {
    return since;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
