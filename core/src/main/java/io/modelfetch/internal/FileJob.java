package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import io.modelfetch.DownloadedFile;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Secret;
import io.modelfetch.internal.file.Checksums;
import io.modelfetch.internal.file.DownloadRecord;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.internal.file.TargetLock;
import io.modelfetch.internal.jdk.JdkBackend;
import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.SourceResolver;
import io.modelfetch.spi.TransferResult;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file of a download, from resolved to in place: probe, name, lock, skip when already there,
 * check free space, transfer through a backend, verify, force, move atomically, write sidecars.
 * Nothing ever appears at the final name unless it is complete and verified.
 */
final class FileJob {
  /** Restarts from byte 0 because the remote file changed, before giving up. */
  private static final int MAX_RESTARTS = 2;

  private final DownloadTask task;
  private final RemoteFile file;
  private final SourceResolver resolver;
  private final EngineConfig config;
  private final TargetPlanner planner;
  private final AtomicLong done = new AtomicLong();
  private final AtomicBoolean announced = new AtomicBoolean();
  private volatile long size;
  private volatile boolean finished;
  private volatile DownloadState state = DownloadState.QUEUED;
  private volatile Path target;

  FileJob(DownloadTask task, RemoteFile file, SourceResolver resolver) {
    this.task = task;
    this.file = file;
    this.resolver = resolver;
    this.config = task.engine().config();
    this.planner = new TargetPlanner(task, file);
    this.size = file.size();
  }

  long bytesDone() {
    return done.get();
  }

  long size() {
    return size;
  }

  boolean isFinished() {
    return finished;
  }

  /** QUEUED, DOWNLOADING, VERIFYING, COMPLETED or FAILED. */
  DownloadState state() {
    return state;
  }

  void state(DownloadState state) {
    this.state = state;
    task.fileStateChanged();
  }

  /** The path inside the repository or folder, else the file name, once known. */
  String name() {
    Path t = target;
    return file.relativePath().orElse(file.fileName().orElse(t == null ? null : t.getFileName().toString()));
  }

  private void verifying(Path target) {
    this.target = target;
    state(DownloadState.VERIFYING);
    task.events().verifying(target);
  }

  DownloadedFile run() throws DownloadException {
    DownloadRequest request = task.request();
    Optional<Path> early = planner.targetWithoutProbe();
    // without the lock, only a file with nothing left beside it is reported; leftovers are cleaned under the lock
    if (early.isPresent() && size >= 0 && !request.overwrite() && !PartFile.hasLeftovers(early.get())) {
      Optional<DownloadedFile> present = alreadyPresent(early.get(), null);
      if (present.isPresent()) {
        return present.get();
      }
    }
    ScopedHeaders credentials = new ScopedHeaders(file.headers(), file.url());
    // a cache hit needs no request when the name is known; otherwise only the probe, for the server's name
    boolean cached = task.engine().cachedFiles().has(file, size);
    Probe probe = cached && early.isPresent() ? null : probe(credentials);
    Path target = early.orElseGet(() -> planner.targetFromServer(probe));
    if (probe != null) {
      TargetPlanner.checkContentType(probe, target);
    }
    try {
      NoFollowFiles.createDirectories(planner.baseFor(target), target.getParent());
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot create folder " + target.getParent() + ": "
          + FileErrors.cause(e), e);
    }
    TargetLock lock;
    try {
      lock = TargetLock.acquire(target,
          () -> task.notice("another download of " + target + " is running; waiting for it to finish"),
          task.cancellation()::isCancelled);
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot lock " + TargetLock.pathFor(target) + ": " + FileErrors.cause(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(Kind.CANCELLED, "interrupted while waiting for the lock on " + target);
    }
    if (lock == null) {
      task.checkNotCancelled();
    }
    try {
      if (!request.overwrite()) {
        Optional<DownloadedFile> present = alreadyPresent(target, probe);
        if (present.isPresent()) {
          new PartFile(target, task).deleteLeftovers(); // e.g. the state a kill during the rename left behind
          return present.get();
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new DownloadException(Kind.FILE_EXISTS, "a different file already exists at " + target
              + (Files.isSymbolicLink(target) ? " (a symbolic link)" : "")
              + ": it is not known to be this download (no matching SHA-256, or no record that this source was "
              + "downloaded there); move it away, choose another folder, or replace it (--overwrite)");
        }
      }
      if (cached && task.engine().cachedFiles().produce(file, size, target, task)) {
        size = sizeOf(target);
        done.set(size);
        List<Path> sidecars = task.engine().sidecars().write(target, file, task);
        Path shown = resolver.afterDownload(file, target, task.control());
        return finished(new DownloadedFile(shown, size, file.sha256().orElseThrow(), Status.CACHED, file.metadata(),
            sidecars, Secret.redact(file.url().toString())));
      }
      Probe checked = probe != null ? probe : probe(credentials); // evicted since the lookup: download it
      if (probe == null) {
        TargetPlanner.checkContentType(checked, target);
      }
      return transferVerifyAndMove(target, checked, credentials);
    } finally {
      lock.close();
    }
  }

  private static long sizeOf(Path file) throws DownloadException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot read " + file + ": " + FileErrors.cause(e), e);
    }
  }

  /** Asks the server for the file's size and type; the size must be the one the source announced. */
  private Probe probe(ScopedHeaders credentials) throws DownloadException {
    Probe probe = Probe.run(task.engine().data(), file.url(), credentials, config, task);
    if (size >= 0 && probe.size() >= 0 && probe.size() != size) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the server's file is " + probe.size()
          + " bytes but the source says " + size + " (" + Secret.redact(probe.finalUrl().toString())
          + "); it may have been replaced, try again later");
    }
    if (size < 0) {
      size = probe.size();
    }
    return probe;
  }

  private DownloadedFile transferVerifyAndMove(Path target, Probe firstProbe, ScopedHeaders credentials)
      throws DownloadException {
    PartFile part = new PartFile(target, task);
    Probe probe = firstProbe;
    DownloadBackend backend = task.engine().backendFor(task.request(), task);
    planner.checkFreeSpace(target, part.path(), size);
    TransferResult result = null;
    boolean builtIn = backend.name().equals(JdkBackend.NAME);
    for (int restarts = 0; result == null; restarts++) {
      ConnectionBudget budget = task.budget(probe.finalUrl().getHost());
      int extra = builtIn ? 0 : extraConnections(budget);
      TransferImpl transfer = new TransferImpl(this, task, probe, part.path(), credentials, file,
          builtIn ? -1 : 1 + extra, budget);
      try {
        budget.acquire(task.cancellation());
      } catch (DownloadException e) {
        transfer.close();
        for (int i = 0; i < extra; i++) {
          budget.release();
        }
        throw e;
      }
      try {
        result = backend.transfer(transfer, task.control());
      } catch (RemoteChangedException e) {
        if (restarts >= MAX_RESTARTS) {
          throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the remote file kept changing while downloading "
              + Secret.redact(probe.finalUrl().toString()) + ": " + e.getMessage(), e);
        }
        restarted(target, e.getMessage());
        part.discard();
        Probe fresh = Probe.run(task.engine().data(), refreshStart(), credentials, config, task);
        TargetPlanner.checkContentType(fresh, target);
        // the same validator and size as before: the file did not change, the server ignores ranges
        boolean rangesIgnored = e.wholeFileAnswer() && fresh.size() == probe.size()
            && Objects.equals(fresh.validator(), probe.validator());
        probe = rangesIgnored ? fresh.withoutRanges() : fresh;
        size = file.size() >= 0 ? file.size() : probe.size();
      } catch (DownloadException e) {
        if (task.cancelRequested() && task.request().discardPartialOnCancel()) {
          part.discard();
        }
        throw e;
      } finally {
        transfer.close();
        for (int i = 0; i <= extra; i++) {
          budget.release();
        }
      }
    }
    verifying(target);
    size = part.verifySize(size);
    String sha256 = part.verifyContent(size, file, result.sha256());
    part.record(file.identity(), probe.validator());
    part.moveToTarget();
    List<Path> sidecars = task.engine().sidecars().write(target, file, task);
    Path shown = resolver.afterDownload(file, target, task.control());
    task.engine().cachedFiles().store(file, shown, sha256, task);
    return finished(new DownloadedFile(shown, size, sha256, result.resumed() ? Status.RESUMED : Status.DOWNLOADED,
        file.metadata(), sidecars, Secret.redact(probe.finalUrl().toString())));
  }

  /** Where a fresh link starts: the resolver decides, since some need more than redirects to renew. */
  URI refreshStart() throws DownloadException {
    return resolver.refresh(file, task.control());
  }

  /**
   * Extra connections for a backend that cannot take them from the budget as it goes (aria2 opens
   * what it is told at once): as many as are free now, up to the per-file limit.
   */
  private int extraConnections(ConnectionBudget budget) {
    int wanted = task.request().connections().orElse(config.connectionsPerFile()) - 1;
    int got = 0;
    while (got < wanted && budget.tryAcquire()) {
      got++;
    }
    return got;
  }

  /**
   * Whether the target already holds this file. A file of the right size is trusted when a known
   * SHA-256 / git blob id matches (the size is compared first, so a different file is not hashed;
   * a link is read through, as the Hugging Face cache's snapshot links are), or, with no hash
   * known, when it is a regular file whose record, left by this library, says it was downloaded
   * from this source (same identity, same ETag when the server gives one) and not changed since.
   * Anything else is a different file.
   */
  private Optional<DownloadedFile> alreadyPresent(Path target, Probe probe) throws DownloadException {
    if (!Files.isRegularFile(target) || size < 0) {
      return Optional.empty();
    }
    try {
      if (Files.size(target) != size) {
        return Optional.empty();
      }
      boolean hashKnown = file.sha256().isPresent() || file.gitBlobSha1().isPresent();
      if (!hashKnown && (Files.isSymbolicLink(target)
          || !DownloadRecord.readFor(target).map(r -> describes(r, target, probe)).orElse(false))) {
        return Optional.empty();
      }
      verifying(target);
      String sha256 = null;
      if (file.sha256().isPresent() || config.alwaysHash()) {
        sha256 = Checksums.sha256(target, task.cancellation()::isCancelled);
        task.checkNotCancelled();
        if (file.sha256().isPresent() && !file.sha256().get().equals(sha256)) {
          return Optional.empty();
        }
      }
      if (file.gitBlobSha1().isPresent()
          && !file.gitBlobSha1().get().equals(Checksums.gitBlobSha1(target, size, task.cancellation()::isCancelled))) {
        return Optional.empty();
      }
      done.set(size);
      List<Path> sidecars = task.engine().sidecars().write(target, file, task);
      Path shown = resolver.afterDownload(file, target, task.control());
      String url = Secret.redact((probe == null ? file.url() : probe.finalUrl()).toString());
      return Optional.of(finished(new DownloadedFile(shown, size, sha256, Status.ALREADY_PRESENT, file.metadata(),
          sidecars, url)));
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot read " + target + ": " + FileErrors.cause(e), e);
    }
  }

  private boolean describes(DownloadRecord record, Path target, Probe probe) {
    try {
      return record.describes(target, file.identity(), probe == null ? null : probe.validator());
    } catch (IOException e) {
      return false;
    }
  }

  private DownloadedFile finished(DownloadedFile result) {
    finished = true;
    state(DownloadState.COMPLETED);
    task.events().fileCompleted(result);
    return result;
  }

  void restarted(Path target, String reason) {
    done.set(0);
    task.events().restarted(target, reason);
  }

  void addDone(long bytes) {
    done.addAndGet(bytes);
  }

  /**
   * A transfer of this file begins. Only the first one is announced: after a restart the listener
   * has already heard onFileStarted and then onRestarted, as the documented order says.
   */
  void started(Path target, long resumedBytes) {
    done.set(resumedBytes);
    this.target = target;
    state(DownloadState.DOWNLOADING);
    if (announced.compareAndSet(false, true)) {
      task.events().fileStarted(target, resumedBytes);
    }
  }
}
