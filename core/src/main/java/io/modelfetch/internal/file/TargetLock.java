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
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Exclusive ownership of one target file, across threads and processes: {@code NAME.part.lock}
 * beside it, held with an OS file lock for as long as the download runs. A second download of the
 * same target waits, then finds the file complete and does nothing.
 *
 * <p>The lock file is deleted whenever the lock is given up, whether the download succeeded or
 * failed, so no {@code .part.lock} outlives a run (one left by a killed process is deleted by the
 * next run that takes it). Deleting a lock file others may be waiting on is safe because a lock
 * only counts when the path still names the file that was locked: its file key (device and inode)
 * is read before opening and again after locking, and a waiter that locked a file which has since
 * been deleted tries again with the file now at the path. (The check reads attributes only: opening
 * and closing the lock file a second time would release this process's POSIX lock on it.)
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
          Object before = fileKey(lockFile);
          channel = NoFollowFiles.openForWriting(lockFile);
          FileLock lock = channel.tryLock();
          if (lock != null) {
            Object after = fileKey(lockFile);
            // without file keys (some platforms), a file still at the path is all that can be checked
            if (after == null ? Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS) : after.equals(before)) {
              channel.truncate(0);
              channel.write(ByteBuffer.wrap(
                  ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
              return new TargetLock(lockFile, channel, lock);
            }
            // created just now (no key to compare yet) or replaced meanwhile: look again at once
            lock.release();
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

  /** The lock file's identity (device and inode), without opening it; null when missing or not known here. */
  private static Object fileKey(Path lockFile) {
    try {
      return Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (IOException e) {
      return null;
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
