package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Exclusive ownership of one target file, across threads and processes: {@code NAME.part.lock}
 * beside it, held with an OS file lock for as long as the download runs. A second download of the
 * same target waits, then finds the file complete and does nothing.
 *
 * <p>The lock file is deleted whenever the lock is given up, whether the download succeeded or
 * failed, so no {@code .part.lock} outlives a run (one left by a killed process is deleted by the
 * next run that takes it). Deleting a lock file others may be waiting on is safe because the owner
 * writes a token of its own into it after locking and reads it back through the path: a waiter
 * that locked a file which has since been deleted or replaced finds another token (or none) and
 * tries again with the file now at the path.
 */
public final class TargetLock implements AutoCloseable {
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private TargetLock(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  public static Path pathFor(Path target) {
    return target.resolveSibling(target.getFileName() + ".part.lock");
  }

  /**
   * Takes the lock, waiting while another thread or process holds it.
   *
   * @param onWait called once if the lock is busy (to tell the user why nothing happens)
   * @param cancelled polled while waiting
   * @return the lock, or {@code null} if cancelled while waiting
   */
  public static TargetLock acquire(Path target, Runnable onWait, BooleanSupplier cancelled)
      throws IOException, InterruptedException {
    Path lockFile = pathFor(target).toAbsolutePath().normalize();
    boolean told = false;
    while (true) {
      if (cancelled.getAsBoolean()) {
        return null;
      }
      if (HELD_IN_THIS_JVM.add(lockFile)) {
        FileChannel channel = null;
        try {
          channel = NoFollowFiles.openForWriting(lockFile);
          FileLock lock = channel.tryLock();
          if (lock != null) {
            if (stillAtPath(lockFile, channel)) {
              return new TargetLock(lockFile, channel, lock);
            }
            lock.release(); // locked a file its owner has deleted: try again with the one at the path now
            channel.close();
            HELD_IN_THIS_JVM.remove(lockFile);
            continue;
          }
        } catch (OverlappingFileLockException e) {
          // another channel of this JVM holds it: wait like for another process
        } catch (NoSuchFileException e) {
          HELD_IN_THIS_JVM.remove(lockFile); // its owner deleted it as we opened it: open the next one
          if (channel != null) {
            channel.close();
          }
          continue;
        } catch (IOException | RuntimeException e) {
          HELD_IN_THIS_JVM.remove(lockFile);
          if (channel != null) {
            channel.close();
          }
          throw e;
        }
        channel.close();
        HELD_IN_THIS_JVM.remove(lockFile);
      }
      if (!told) {
        onWait.run();
        told = true;
      }
      Thread.sleep(100);
    }
  }

  /**
   * Writes a token of this owner's into the locked file and reads it back through the path: equal
   * only when the path still names the file this channel locked.
   */
  private static boolean stillAtPath(Path lockFile, FileChannel channel) throws IOException {
    byte[] token = ("pid " + ProcessHandle.current().pid() + " " + UUID.randomUUID() + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(token), 0);
    try {
      return Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS) && Arrays.equals(Files.readAllBytes(lockFile), token);
    } catch (IOException deletedMeanwhile) {
      return false;
    }
  }

  /** Deletes the lock file while still holding the lock, then releases it. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(lockFile);
    } catch (IOException ignored) {
      // a leftover lock file is harmless: the next download takes the lock and deletes it
    }
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the channel is closed either way, and with it the OS lock
    } finally {
      HELD_IN_THIS_JVM.remove(lockFile);
    }
  }
}
