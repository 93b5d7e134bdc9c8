package io.modelfetch.internal.jdk;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.internal.TransferImpl;
import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.internal.http.DataClient;
import io.modelfetch.spi.TransferResult;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A file fetched as byte ranges over several connections into one partial file with positional
 * writes. The calling thread is the monitor: it adds connections when the budget allows and
 * checkpoints the resume state; each connection runs a {@link RangeWorker}. (Silent connections are
 * timed out by the {@link DataClient} itself.)
 */
final class SegmentedTransfer {
  /** Checkpoint at least this often... */
  private static final long CHECKPOINT_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** ...and whenever this much per connection was written since the last one: the in-flight window a crash can lose. */
  static final long WINDOW_PER_CONNECTION = 2L << 20;
  private static final long MONITOR_MILLIS = 100;
  private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** How long the first connections wait for each other's answers before reading their bodies. */
  private static final long FIRST_ANSWERS_MILLIS = 50;

  private final TransferImpl transfer;
  private final DataClient data;
  private final ExecutorService threads;
  private final Path part;
  private final Path statePath;
  private final long size;
  private final List<RangeWorker> workers = new CopyOnWriteArrayList<>();
  private final AtomicReference<DownloadException> failure = new AtomicReference<>();
  private final CountDownLatch starting = new CountDownLatch(1);
  private volatile CountDownLatch firstAnswers = new CountDownLatch(0);
  private volatile URI url;
  private long lastRefreshNanos;
  private boolean refreshed;
  private FileChannel channel;
  private Scheduler scheduler;
  private String discardReason;

  SegmentedTransfer(TransferImpl transfer, DataClient data, ExecutorService threads) {
    this.transfer = transfer;
    this.data = data;
    this.threads = threads;
    this.part = transfer.partFile();
    this.statePath = ControlFile.pathFor(part);
    this.size = transfer.size();
    this.url = transfer.url();
  }

  TransferResult run() throws DownloadException {
    try (FileChannel ch = NoFollowFiles.openForWriting(part, StandardOpenOption.READ)) {
      channel = ch;
      List<long[]> kept = resumeState();
      long resumed = kept.stream().mapToLong(r -> r[1] - r[0]).sum();
      transfer.events().started(resumed);
      if (discardReason != null) {
        transfer.events().restarted(discardReason);
      }
      int connections = transfer.connections();
      scheduler = new Scheduler(size, kept, connections, transfer.wantsSha256());
      PrefixHasher hasher = transfer.wantsSha256() ? new PrefixHasher(channel, scheduler, size, this::stopped) : null;
      if (hasher != null) {
        threads.execute(hasher);
      }
      transfer.onCancel(this::abortAll);
      try {
        startWorker(true, true);
        for (int i = 1; i < connections && scheduler.hasSplittableWork() && transfer.budget().tryAcquire(); i++) {
          startWorker(false, true);
        }
      } finally {
        firstAnswers = new CountDownLatch(workers.size());
        starting.countDown();
      }
      monitor(connections, resumed);
      String sha256 = hasher == null ? null : hasher.await();
      DownloadException error = failure.get();
      if (error != null) {
        throw error;
      }
      transfer.checkNotCancelled();
      if (sha256 == null && hasher != null) {
        throw new DownloadException(Kind.LOCAL_IO, "hashing " + part.getFileName() + " stopped before the end");
      }
      return new TransferResult(size, sha256, resumed > 0);
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot open " + part + ": " + FileErrors.cause(e), e);
    } finally {
      abortAll();
    }
  }

  /** The ranges an earlier attempt completed, if its state matches this file; otherwise starts the part over. */
  private List<long[]> resumeState() throws IOException {
    Optional<ControlFile> state = ControlFile.read(statePath);
    if (state.isPresent()) {
      ControlFile s = state.get();
      long maxEnd = s.ranges().isEmpty() ? 0 : s.ranges().get(s.ranges().size() - 1)[1];
      boolean same = s.identity().equals(transfer.identity()) && s.size() == size
          && Objects.equals(s.validator(), transfer.validator().orElse(null));
      if (same && channel.size() >= maxEnd) {
        return s.ranges();
      }
      if (!s.identity().equals(transfer.identity())) {
        discardReason = "the partial file belongs to another source; starting over";
      } else if (s.size() != size) {
        discardReason = "the remote file changed size (" + s.size() + " -> " + size + " bytes); starting over";
      } else if (!Objects.equals(s.validator(), transfer.validator().orElse(null))) {
        discardReason = "the remote file changed since the partial download (validator " + s.validator()
            + " -> " + transfer.validator().orElse("none") + "); starting over";
      } else {
        discardReason = "the partial file is shorter than its resume state says; starting over";
      }
      if (s.completedBytes() == 0) {
        discardReason = null;
      }
    }
    channel.truncate(0);
    ControlFile.delete(statePath);
    return List.of();
  }

  /**
   * Starts a connection; {@code own} for the file's first one, which the engine holds for the whole
   * transfer; {@code first} for those started together at the beginning.
   */
  private void startWorker(boolean own, boolean first) {
    RangeWorker w = new RangeWorker(this, own, first);
    workers.add(w);
    transfer.events().connections(workers.size());
    threads.execute(w);
  }

  /**
   * Holds the first connections until all of them are started, so that they send their requests
   * together (see {@link #firstAnswer}).
   */
  void awaitStart() {
    try {
      starting.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A first connection has its answer (or gave up, or had nothing to do); with {@code wait}, it
   * waits up to {@value #FIRST_ANSWERS_MILLIS} ms for the other first connections' answers before
   * reading its body. Started one by one, the early connections were already copying bytes while
   * the later ones had not sent their requests: on two cores the last request went out ~30 ms
   * after the first, and every range ends that much later. On a long round trip the wait times
   * out and costs the first connection at most that long once.
   */
  void firstAnswer(boolean wait) {
    CountDownLatch latch = firstAnswers;
    latch.countDown();
    if (wait) {
      try {
        latch.await(FIRST_ANSWERS_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Called by a worker as it exits. */
  void workerExited(RangeWorker w, boolean own) {
    workers.remove(w);
    transfer.events().connections(workers.size());
    if (!own) {
      transfer.budget().release();
    }
    synchronized (this) {
      notifyAll();
    }
  }

  private void monitor(int connections, long resumed) {
    long lastCheckpoint = System.nanoTime();
    long persisted = resumed;
    while (true) {
      synchronized (this) {
        if (workers.isEmpty()) {
          break;
        }
        try {
          wait(MONITOR_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail(new DownloadException(Kind.CANCELLED, "interrupted"));
        }
      }
      long now = System.nanoTime();
      if (failure.get() == null && !transfer.isCancelled() && workers.size() < connections
          && scheduler.needsAnotherConnection() && transfer.budget().tryAcquire()) {
        startWorker(false, false);
      }
      long covered = scheduler.covered();
      long window = Math.max(4 * WINDOW_PER_CONNECTION, WINDOW_PER_CONNECTION * workers.size());
      if (now - lastCheckpoint >= CHECKPOINT_NANOS || covered - persisted >= window) {
        persisted = checkpoint(persisted);
        lastCheckpoint = now;
      }
    }
    if (!scheduler.isComplete()) {
      // a complete part is forced and moved into place at once; its state would be deleted unread
      checkpoint(persisted);
    }
    if (failure.get() == null && !transfer.isCancelled() && !scheduler.isComplete()) {
      fail(new DownloadException(Kind.NETWORK, "the transfer of " + part.getFileName()
          + " ended with bytes missing; run it again to resume"));
    }
  }

  /** Forces written data to disk, then records it as complete; the order is what makes a crash safe. */
  private long checkpoint(long persisted) {
    List<long[]> ranges = scheduler.completedRanges();
    long covered = ranges.stream().mapToLong(r -> r[1] - r[0]).sum();
    if (covered == persisted && covered != 0) {
      return persisted;
    }
    try {
      channel.force(false);
      new ControlFile(transfer.identity(), transfer.validator().orElse(null), size, ranges).write(statePath);
      return covered;
    } catch (IOException e) {
      fail(DiskErrors.writing(e, part));
      return persisted;
    }
  }

  /** Re-resolves an expired signed URL once a minute at most; other workers reuse the new one. */
  synchronized URI refreshUrl(URI failed, int status) throws DownloadException {
    if (!failed.equals(url)) {
      return url;
    }
    long now = System.nanoTime();
    if (refreshed && now - lastRefreshNanos < REFRESH_INTERVAL_NANOS) {
      return null;
    }
    refreshed = true;
    lastRefreshNanos = now;
    url = transfer.refresh();
    return url;
  }

  /** A segment is complete: a hedge that raced it is stopped at once instead of at its next byte. */
  void segmentFinished(Segment segment, RangeWorker finisher) {
    for (RangeWorker w : workers) {
      if (w != finisher) {
        w.abandon(segment);
      }
    }
  }

  void fail(DownloadException e) {
    if (failure.compareAndSet(null, e)) {
      abortAll();
    }
  }

  boolean stopped() {
    return failure.get() != null || transfer.isCancelled();
  }

  private void abortAll() {
    for (RangeWorker w : workers) {
      w.abort();
    }
  }

  TransferImpl transfer() {
    return transfer;
  }

  DataClient data() {
    return data;
  }

  FileChannel channel() {
    return channel;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  URI url() {
    return url;
  }

  long size() {
    return size;
  }

  Path part() {
    return part;
  }
}
