package io.modelfetch.internal.jdk;

import io.modelfetch.internal.file.Checksums;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SHA-256 computed while the file downloads: it follows the contiguous written prefix, reading
 * it back from the page cache while it is still hot, so checking the file costs no extra pass over
 * the disk. On a resume it starts at byte 0 and re-hashes the part an earlier run left.
 */
final class PrefixHasher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PrefixHasher.class);
  private static final int BUFFER = 1 << 20;

  private final FileChannel channel;
  private final Scheduler scheduler;
  private final long size;
  private final BooleanSupplier stopped;
  private final MessageDigest digest = Checksums.sha256();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile String result;

  PrefixHasher(FileChannel channel, Scheduler scheduler, long size, BooleanSupplier stopped) {
    this.channel = channel;
    this.scheduler = scheduler;
    this.size = size;
    this.stopped = stopped;
  }

  @Override
  public void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    long hashed = 0;
    try {
      while (hashed < size && !stopped.getAsBoolean()) {
        long prefix = scheduler.contiguousPrefix();
        if (prefix > hashed) {
          if (!Checksums.update(channel, digest, hashed, prefix, buf, stopped)) {
            break;
          }
          hashed = prefix;
        } else {
          scheduler.awaitChange(50);
        }
      }
      if (hashed == size) {
        result = HexFormat.of().formatHex(digest.digest());
      }
    } catch (IOException e) {
      LOG.warn("hashing while downloading failed; the file will be hashed after the transfer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      done.countDown();
    }
  }

  /** The SHA-256 in hex once every byte is hashed; null if hashing stopped early. */
  String await() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return result;
  }
}
