package io.modelfetch.aria2;

import io.modelfetch.internal.file.NoFollowFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code NAME.part.aria2.pid}: which aria2c writes a partial file, and for which JVM.
 *
 * <p>After a {@code kill -9} the JVM is gone but its aria2c runs on for a few seconds (it notices
 * through {@code stop-with-process}, then takes aria2's graceful shutdown) and saves its control
 * file only as it stops. A rerun that looked at the files before then found no control file,
 * started over from byte 0 and had the old daemon still writing into the name. So a rerun first
 * waits for an aria2c whose JVM is dead, and stops it (SIGTERM, which saves the control file too)
 * if it takes too long; then it resumes from what that daemon saved.
 */
final class PartOwner {
  /** stop-with-process polls about once a second and aria2's shutdown takes 3 s; more means something is wrong. */
  private static final long WAIT_MILLIS = 10_000;
  private static final long STOP_WAIT_MILLIS = 5_000;

  private final Path file;

  PartOwner(Path part) {
    this.file = part.resolveSibling(part.getFileName() + ".aria2.pid");
  }

  Path path() {
    return file;
  }

  /** Records that {@code daemon} is about to write the partial file for this JVM. */
  void record(long daemon) throws IOException {
    try (FileChannel ch = NoFollowFiles.createTemporary(file)) {
      ByteBuffer b = ByteBuffer.wrap((daemon + " " + ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  /**
   * Waits until no aria2c left behind by a dead JVM writes the partial file any more.
   *
   * @param notice told once when there is something to wait for
   */
  void awaitOrphan(Consumer<String> notice, BooleanSupplier cancelled) throws InterruptedException {
    Optional<ProcessHandle> orphan = orphan();
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle daemon = orphan.get();
    notice.accept("waiting for aria2c (pid " + daemon.pid() + "), left running by an earlier run that was killed, "
        + "to save its progress on " + file.getFileName().toString().replace(".aria2.pid", ""));
    if (!awaitExit(daemon, WAIT_MILLIS, cancelled)) {
      daemon.destroy();
      if (!awaitExit(daemon, STOP_WAIT_MILLIS, cancelled)) {
        daemon.destroyForcibly();
        awaitExit(daemon, STOP_WAIT_MILLIS, cancelled);
      }
    }
  }

  /** The recorded aria2c, when it still runs and the JVM it worked for does not. */
  private Optional<ProcessHandle> orphan() {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    long daemon;
    long jvm;
    try {
      String[] f = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
      daemon = Long.parseLong(f[0]);
      jvm = Long.parseLong(f[1]);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    // a live JVM gave the file up (it holds the target's lock while it downloads), and with it the download in aria2
    if (jvm == ProcessHandle.current().pid() || ProcessHandle.of(jvm).map(PartOwner::running).orElse(false)) {
      return Optional.empty();
    }
    return ProcessHandle.of(daemon).filter(PartOwner::running).filter(PartOwner::isAria2c);
  }

  private static boolean isAria2c(ProcessHandle p) {
    return p.info().command().map(c -> c.endsWith("/aria2c") || c.endsWith("\\aria2c.exe") || c.equals("aria2c"))
        .orElse(false);
  }

  private static boolean awaitExit(ProcessHandle p, long millis, BooleanSupplier cancelled) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (running(p)) {
      if (System.nanoTime() > deadline || cancelled.getAsBoolean()) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Alive and, where /proc tells, not a zombie: an orphan that exited may wait a moment for init to reap it. */
  private static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
    try {
      String s = Files.readString(stat, StandardCharsets.US_ASCII);
      return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return p.isAlive();
    }
  }
}
