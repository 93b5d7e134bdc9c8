package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Exclusive ownership of one target file, across threads and processes: {@code NAME.part.lock}
 * beside it, held with an OS file lock for as long as the download runs. A second download of the
 * same target waits, then finds the file complete and does nothing.
 *
 * <p>The lock file is deleted only after the target is complete. Deleting it earlier would let a
 * waiter lock the unlinked file while a newcomer locks a new one; after completion both would
 * only find the finished file, which is harmless.
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
          channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.tryLock();
          if (lock != null) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(
                ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new TargetLock(lockFile, channel, lock);
          }
        } catch (OverlappingFileLockException e) {
          // another channel of this JVM holds it: wait like for another process
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

  /** Releases the lock and deletes the lock file; call only once the target is complete. */
  public void releaseAndDelete() {
    try {
      Files.deleteIfExists(lockFile);
    } catch (IOException ignored) {
      // a leftover lock file is harmless: the next download takes the lock as usual
    }
    close();
  }

  @Override
  public void close() {
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
