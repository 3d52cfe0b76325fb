package io.github.embeddinggeometry.cli;

import io.github.embeddinggeometry.cli.output.AtomicFiles;
import io.github.embeddinggeometry.cli.output.FolderLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The output folders of one run, made safe to write before anything is loaded: no output may be one
 * of the run's input files, each folder is locked ({@link FolderLock}) for the whole run, and the
 * temporary files a killed run left there are removed.
 */
final class RunFolders implements AutoCloseable {
  /** How often a run started with --wait looks whether the other run has finished. */
  private static final long POLL_MILLIS = 100;

  /** One step's folder: {@code root} itself when {@code sub} is null, else {@code root/sub}. */
  record Target(Path root, String sub, String step) {
    Path dir() {
      return sub == null ? root : root.resolve(sub);
    }
  }

  private final List<FolderLock> locks;

  private RunFolders(List<FolderLock> locks) {
    this.locks = locks;
  }

  /**
   * Checks the targets against the inputs, then creates and locks every folder (in one order, so
   * that two waiting runs never hold one folder each) and removes stale temporary files.
   *
   * @param wait wait for another run that holds a folder, instead of failing at once
   * @throws UserInputException for an output that is an input, or a folder another run holds
   */
  static RunFolders take(
      List<Target> targets, List<Inputs.Input> inputs, boolean wait, Console console) {
    for (Target t : targets) {
      checkNotInput(t, inputs);
    }
    List<Path> dirs = new ArrayList<>();
    for (Target t : targets) {
      dirs.add(Outputs.folder(t.root(), t.sub()));
    }
    dirs.sort(Comparator.comparing(RunFolders::realName));
    List<FolderLock> locks = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        FolderLock lock = lock(dir, wait, console);
        locks.add(lock);
        List<Path> stale = AtomicFiles.removeStale(dir, lock.since());
        if (!stale.isEmpty()) {
          console.line(
              "removed "
                  + stale.size()
                  + " temporary file(s) of an interrupted run in "
                  + dir
                  + ", e.g. "
                  + stale.get(0).getFileName());
        }
      }
      return new RunFolders(locks);
    } catch (IOException | RuntimeException e) {
      new RunFolders(locks).close();
      if (e instanceof IOException io) {
        throw new UserInputException("--out: cannot lock the output folder: " + io, io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * The run never writes over a file it reads: every name it may write in the folder (report, data
   * files, figures, error log, lock) is compared by file identity, so a hard link or a link to an
   * input is found too. A link at an output name is not followed when writing, so it is no risk.
   */
  private static void checkNotInput(Target t, List<Inputs.Input> inputs) {
    if (inputs.isEmpty()) {
      return;
    }
    Path dir = t.dir();
    List<String> names = new ArrayList<>(Outputs.STEP_FILES.get(t.step()));
    names.addAll(List.of(Outputs.REPORT, Outputs.PAGE, Failures.LOG, FolderLock.NAME));
    for (String name : names) {
      Path out = dir.resolve(name);
      if (Files.isSymbolicLink(out) || !Files.exists(out)) {
        continue;
      }
      for (Inputs.Input in : inputs) {
        boolean same;
        try {
          same = Files.isSameFile(out, in.file());
        } catch (IOException e) {
          same = false; // gone or unreadable: not the file being read
        }
        if (same) {
          throw new UserInputException(
              "--out "
                  + dir
                  + ": the output "
                  + out
                  + " is the input "
                  + in.file()
                  + " (from "
                  + in.option()
                  + "); the run would replace what it reads: choose another --out");
        }
      }
    }
  }

  private static FolderLock lock(Path dir, boolean wait, Console console) throws IOException {
    FolderLock lock = FolderLock.tryTake(dir);
    if (lock != null) {
      return lock;
    }
    String who = holderOf(dir);
    if (!wait) {
      throw new UserInputException(
          "--out "
              + dir
              + ": "
              + who
              + " is writing into this folder; wait for it (--wait) or choose another --out");
    }
    console.line("waiting for " + who + " to finish writing into " + dir + " ...");
    while ((lock = FolderLock.tryTake(dir)) == null) {
      if (AtomicFiles.isAbandoned()) {
        throw new CancellationException("stopped while waiting for " + dir);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for " + dir);
      }
    }
    return lock;
  }

  /** Who holds {@code dir}'s lock, for a message: "another geometry run (pid ..., since ...)". */
  static String holderOf(Path dir) {
    String holder = FolderLock.holder(dir);
    return "another geometry run" + (holder.isEmpty() ? "" : " (" + holder + ")");
  }

  private static String realName(Path dir) {
    try {
      return dir.toRealPath().toString();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize().toString();
    }
  }

  /** Releases the locks: the report is written, the folders are complete. */
  @Override
  public void close() {
    for (FolderLock l : locks) {
      try {
        l.close();
      } catch (IOException ignored) {
        // The process ends soon; the operating system releases what is left.
      }
    }
  }
}
