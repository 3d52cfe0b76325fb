package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder of results written by the executors, committed whole: the parts go into a temporary
 * sibling folder, then a manifest and {@code _SUCCESS}, then the folder takes the output's name. A
 * previous output of the same kind (one with {@code _SUCCESS}) is replaced as a whole, so no part
 * of an earlier run with more blocks survives; any other non-empty folder is refused. On a file
 * system without atomic renames (S3A) the swap is two copies, but a reader that checks for {@code
 * _SUCCESS} never takes a half-written folder.
 */
final class OutputCommit {
  static final String SUCCESS = "_SUCCESS";
  static final String MANIFEST = "manifest.json";

  private final FileSystem fs;
  private final Path target;
  private final Path temp;

  private OutputCommit(FileSystem fs, Path target, Path temp) {
    this.fs = fs;
    this.target = target;
    this.temp = temp;
  }

  /**
   * Checks the output folder and creates the temporary one beside it.
   *
   * @throws IllegalArgumentException if {@code dir} is a file, or a non-empty folder without {@code
   *     _SUCCESS}
   * @throws UncheckedIOException if the temporary folder cannot be created
   */
  static OutputCommit begin(Configuration conf, String dir) {
    try {
      Path target = new Path(dir);
      FileSystem fs = target.getFileSystem(conf);
      target = fs.makeQualified(target);
      removeStale(fs, target);
      if (fs.exists(target)) {
        FileStatus st = fs.getFileStatus(target);
        if (!st.isDirectory()) {
          throw new IllegalArgumentException(dir + ": exists and is a file, not an output folder");
        }
        if (fs.listStatus(target).length > 0 && !fs.exists(new Path(target, SUCCESS))) {
          throw new IllegalArgumentException(
              dir
                  + ": a non-empty folder that is not a committed output (no "
                  + SUCCESS
                  + "); remove it or choose another folder");
        }
      }
      Path temp = sibling(target, ".tmp-");
      if (!fs.mkdirs(temp)) {
        throw new IOException("cannot create " + temp);
      }
      return new OutputCommit(fs, target, temp);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The writer of a temporary folder, in its name: {@code .NAME.tmp-PID@HOST-UUID} (the parts being
   * written) and {@code .NAME.old-PID@HOST-UUID} (the previous output, moved aside for the swap).
   */
  static final String OWNER = ProcessHandle.current().pid() + "@" + Host.NAME;

  /**
   * Temporary folders of a writer gone without cleaning up: neither this run's nor a live one's.
   */
  private static final Pattern TEMPORARY =
      Pattern.compile("\\.(tmp|old)-(\\d+)@(.*)-[0-9a-f-]{36}");

  /** Age after which another host's temporary folder counts as abandoned. */
  static final Duration ABANDONED = Duration.ofDays(2);

  private static final System.Logger LOG = System.getLogger(OutputCommit.class.getName());

  private static Path sibling(Path target, String kind) {
    return new Path(
        target.getParent(), "." + target.getName() + kind + OWNER + "-" + UUID.randomUUID());
  }

  /** This host's name, looked up once, when a writer first needs it. */
  private static final class Host {
    static final String NAME = lookup();

    private static String lookup() {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException | RuntimeException e) {
        return "localhost";
      }
    }
  }

  /**
   * Removes the temporary folders that a writer of this output killed mid-way (SIGKILL, a lost
   * driver) left beside it: those of a process of this host that no longer runs, and any older than
   * {@link #ABANDONED}. A previous output the dead writer had moved aside ({@code .old-}) is put
   * back when the output itself is missing (killed between the two renames), else removed.
   */
  static void removeStale(FileSystem fs, Path target) throws IOException {
    Path parent = target.getParent();
    if (parent == null || !fs.exists(parent)) {
      return;
    }
    String prefix = "." + target.getName();
    long now = System.currentTimeMillis();
    int removed = 0;
    for (FileStatus st : fs.listStatus(parent)) {
      String name = st.getPath().getName();
      if (!st.isDirectory() || !name.startsWith(prefix)) {
        continue;
      }
      Matcher m = TEMPORARY.matcher(name.substring(prefix.length()));
      if (!m.matches()) {
        continue;
      }
      boolean dead =
          m.group(3).equals(Host.NAME)
              && ProcessHandle.of(Long.parseLong(m.group(2))).map(p -> !p.isAlive()).orElse(true);
      if (!dead && now - st.getModificationTime() < ABANDONED.toMillis()) {
        continue;
      }
      if (m.group(1).equals("old") && !fs.exists(target)) {
        fs.rename(st.getPath(), target);
      } else {
        fs.delete(st.getPath(), true);
      }
      removed++;
    }
    if (removed > 0) {
      int n = removed;
      LOG.log(
          System.Logger.Level.INFO,
          () -> "removed " + n + " temporary folder(s) of an interrupted write beside " + target);
    }
  }

  /** Where the tasks write their parts. */
  String tempDir() {
    return temp.toString();
  }

  /**
   * Writes the manifest and {@code _SUCCESS} into the temporary folder and puts it in the output's
   * place, removing the previous output.
   */
  void commit(String manifestJson) {
    try {
      // On the local file system without Hadoop's .crc companions, as the parts.
      FileSystem raw = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
      try (OutputStream o = raw.create(new Path(temp, MANIFEST), false)) {
        o.write(manifestJson.getBytes(StandardCharsets.UTF_8));
      }
      raw.create(new Path(temp, SUCCESS), false).close();
      Path old = null;
      if (fs.exists(target)) {
        old = sibling(target, ".old-");
        if (!fs.rename(target, old)) {
          throw new IOException("cannot move the previous output aside to " + old);
        }
      }
      if (!fs.rename(temp, target)) {
        if (old != null) {
          fs.rename(old, target);
        }
        throw new IOException("cannot rename " + temp + " to " + target);
      }
      if (old != null) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      abort();
      throw new UncheckedIOException(target + ": " + e.getMessage(), e);
    }
  }

  /** Removes the temporary folder (a failed or cancelled job); the output stays as it was. */
  void abort() {
    try {
      fs.delete(temp, true);
    } catch (IOException e) {
      // Left for the user to see: its name says it is temporary.
    }
  }
}
