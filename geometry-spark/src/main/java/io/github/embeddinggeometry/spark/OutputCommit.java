package io.github.embeddinggeometry.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
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
      Path temp =
          new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
      if (!fs.mkdirs(temp)) {
        throw new IOException("cannot create " + temp);
      }
      return new OutputCommit(fs, target, temp);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
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
        old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
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
