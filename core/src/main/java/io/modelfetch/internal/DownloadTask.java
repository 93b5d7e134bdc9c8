package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Progress;
import io.modelfetch.ResolvedFile;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One submitted download: resolves its source, runs its files, and reports. */
final class DownloadTask implements DownloadHandle {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadTask.class);

  private enum Phase { RESOLVING, RUNNING, DONE }

  private final Engine engine;
  private final DownloadRequest request;
  private final Events events;
  private final ControlPlane control;
  private final CompletableFuture<DownloadResult> future = new CompletableFuture<>();
  private final Cancellation cancellation = new Cancellation();
  private final AtomicLong transferred = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final SpeedMeter speed = new SpeedMeter();
  private final ConnectionBudget budget;
  private final long startNanos = System.nanoTime();
  private volatile List<FileJob> jobs = List.of();
  private volatile Thread resolvingThread;
  private Phase phase = Phase.RESOLVING;
  private Progress lastPosted;

  DownloadTask(Engine engine, DownloadRequest request, List<DownloadListener> listeners) {
    this.engine = engine;
    this.request = request;
    this.events = new Events(this, listeners, engine.eventExecutor());
    this.control = new ControlPlane(engine.config(), engine::httpClient, this);
    this.budget = new ConnectionBudget(engine.config().maxConnections());
  }

  @Override
  public DownloadRequest request() {
    return request;
  }

  @Override
  public CompletableFuture<DownloadResult> result() {
    return future;
  }

  @Override
  public Progress progress() {
    long done = 0;
    long total = 0;
    int filesDone = 0;
    for (FileJob job : jobs) {
      done += job.bytesDone();
      long size = job.size();
      total = total < 0 || size < 0 ? -1 : total + size;
      if (job.isFinished()) {
        filesDone++;
      }
    }
    if (jobs.isEmpty()) {
      total = -1;
    }
    return new Progress(done, total, speed.bytesPerSecond(), connections.get(), filesDone, jobs.size());
  }

  @Override
  public boolean cancel() {
    if (future.isDone()) {
      return false;
    }
    boolean first = cancellation.cancel();
    synchronized (this) {
      Thread t = resolvingThread;
      if (t != null && phase == Phase.RESOLVING) {
        t.interrupt(); // only while resolving: no file channel is open that an interrupt would close
      }
    }
    return first;
  }

  void run() {
    DownloadResult result;
    try {
      result = execute();
    } catch (DownloadException e) {
      finish(null, cancellation.isCancelled() ? cancelled(e) : e);
      return;
    } catch (RuntimeException | Error e) {
      LOG.error("download of {} failed unexpectedly", request, e);
      finish(null, new DownloadException(Kind.LOCAL_IO, "unexpected failure: " + Secret.redact(String.valueOf(e)), e));
      return;
    }
    finish(result, null);
  }

  private DownloadResult execute() throws DownloadException {
    SourceResolver resolver = engine.resolverFor(request.source());
    List<RemoteFile> files;
    synchronized (this) {
      resolvingThread = Thread.currentThread();
    }
    try {
      checkNotCancelled();
      Path dir = request.directory().map(d -> d.toAbsolutePath().normalize()).orElse(null);
      if (dir == null && request.file().isEmpty()) {
        dir = Path.of("").toAbsolutePath();
      }
      files = resolver.resolve(new SourceRequest(request.source(), request.options(), dir), control);
    } finally {
      synchronized (this) {
        resolvingThread = null;
        Thread.interrupted(); // clear an interrupt from cancel() that arrived as resolution ended
      }
    }
    checkNotCancelled();
    files = applyRequestExpectations(files);
    List<FileJob> created = new ArrayList<>();
    List<ResolvedFile> resolved = new ArrayList<>();
    for (RemoteFile f : files) {
      created.add(new FileJob(this, f, resolver));
      resolved.add(new ResolvedFile(Secret.redact(f.url().toString()),
          f.relativePath().orElse(f.fileName().orElse(null)), f.size(), f.sha256().orElse(null), f.metadata()));
    }
    jobs = List.copyOf(created);
    events.resolved(resolved);
    // the speed's first sample: the first progress event then already has a rate
    speed.sample(transferred.get(), System.nanoTime());
    synchronized (this) {
      events.started();
      phase = Phase.RUNNING;
    }
    List<DownloadedFile> done = runJobs(created);
    long bytes = transferred.get();
    return new DownloadResult(done, bytes, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private List<RemoteFile> applyRequestExpectations(List<RemoteFile> files) throws DownloadException {
    if (files.isEmpty()) {
      throw new DownloadException(Kind.NOT_FOUND, "the source resolved to no files: " + request
          + "; check the URL and any include/exclude filters");
    }
    boolean expectations = request.sha256().isPresent() || request.size() >= 0 || request.file().isPresent();
    if (!expectations) {
      return files;
    }
    if (files.size() > 1) {
      throw new DownloadException(Kind.INVALID_REQUEST, "the source has " + files.size()
          + " files, so an exact target file, size or SHA-256 does not apply; download into a folder instead");
    }
    RemoteFile f = files.get(0);
    RemoteFile.Builder b = f.toBuilder();
    if (request.sha256().isPresent()) {
      String wanted = request.sha256().get();
      if (f.sha256().isPresent() && !f.sha256().get().equals(wanted)) {
        throw new DownloadException(Kind.CHECKSUM_MISMATCH, "the requested SHA-256 " + wanted
            + " differs from the one the source publishes, " + f.sha256().get() + "; check which file you meant");
      }
      b.sha256(wanted);
    }
    if (request.size() >= 0) {
      if (f.size() >= 0 && f.size() != request.size()) {
        throw new DownloadException(Kind.CHECKSUM_MISMATCH, "the requested size " + request.size()
            + " differs from the source's, " + f.size());
      }
      b.size(request.size());
    }
    return List.of(b.build());
  }

  private List<DownloadedFile> runJobs(List<FileJob> all) throws DownloadException {
    if (all.size() == 1) {
      return List.of(all.get(0).run());
    }
    Semaphore concurrent = new Semaphore(engine.config().maxConcurrentFiles());
    List<Future<DownloadedFile>> futures = new ArrayList<>();
    for (FileJob job : all) {
      futures.add(engine.workers().submit(() -> {
        concurrent.acquire();
        try {
          return job.run();
        } finally {
          concurrent.release();
        }
      }));
    }
    List<DownloadedFile> results = new ArrayList<>();
    List<DownloadException> failures = new ArrayList<>();
    for (Future<DownloadedFile> f : futures) {
      try {
        results.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        failures.add(cause instanceof DownloadException ? (DownloadException) cause
            : new DownloadException(Kind.LOCAL_IO, "unexpected failure: " + cause, cause));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel();
        failures.add(new DownloadException(Kind.CANCELLED, "interrupted"));
      }
    }
    if (failures.isEmpty()) {
      return results;
    }
    checkNotCancelled();
    DownloadException first = failures.get(0);
    DownloadException summary = new DownloadException(first.kind(), failures.size() + " of " + all.size()
        + " files failed; first: " + first.getMessage() + (results.isEmpty() ? "" : "; the other "
        + results.size() + " are in place, and running the same request again fetches only what is missing"), first);
    failures.stream().skip(1).forEach(summary::addSuppressed);
    throw summary;
  }

  private void finish(DownloadResult result, DownloadException error) {
    Progress last;
    synchronized (this) {
      phase = Phase.DONE;
      last = progress();
      if (result != null) {
        events.progress(last);
      }
    }
    engine.finished(this);
    if (result != null) {
      events.completed(result, () -> future.complete(result));
    } else {
      events.failed(error, () -> future.completeExceptionally(error));
    }
  }

  private DownloadException cancelled(DownloadException cause) {
    return new DownloadException(Kind.CANCELLED, "cancelled: " + request
        + (request.discardPartialOnCancel() ? "" : "; partial files are kept and the same request resumes"), cause);
  }

  /** Called by the engine's ticker a few times a second. */
  void tick(long nowNanos) {
    speed.sample(transferred.get(), nowNanos);
    synchronized (this) {
      if (phase != Phase.RUNNING) {
        return;
      }
      Progress p = progress();
      if (!p.equals(lastPosted)) {
        lastPosted = p;
        events.progress(p);
      }
    }
  }

  void checkNotCancelled() throws DownloadException {
    if (cancellation.isCancelled()) {
      throw new DownloadException(Kind.CANCELLED, "cancelled: " + request);
    }
  }

  /** Waits, waking early when cancelled. */
  void sleep(Duration wait) throws DownloadException {
    if (!cancellation.sleep(wait.toMillis())) {
      throw new DownloadException(Kind.CANCELLED, "cancelled: " + request);
    }
  }

  void notice(String message) {
    LOG.info("{}", message);
    events.notice(message);
  }

  Cancellation cancellation() {
    return cancellation;
  }

  Events events() {
    return events;
  }

  ControlPlane control() {
    return control;
  }

  Engine engine() {
    return engine;
  }

  ConnectionBudget budget() {
    return budget;
  }

  void addTransferred(long bytes) {
    transferred.addAndGet(bytes);
  }

  void addConnections(int delta) {
    connections.addAndGet(delta);
  }

  @Override
  public String toString() {
    return "Download{" + request + "}";
  }
}
