package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadSnapshot;
import io.modelfetch.DownloadState;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Progress;
import io.modelfetch.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submitted download: waits in the queue, resolves its source, runs its files, and reports.
 * Each run (the first, and one after every resume) has its own {@link Cancellation}, raised by
 * both pause and cancel; {@link TaskState} decides what a stopped run becomes.
 */
final class DownloadTask implements DownloadHandle {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadTask.class);

  private final Engine engine;
  private final String id;
  private final long sequence;
  private final DownloadRequest request;
  private final Instant submitted;
  private final Events events;
  private final ControlPlane control;
  private final DownloadFuture future = new DownloadFuture(this::cancel);
  private final TaskState state;
  private final AtomicLong transferred = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final SpeedMeter speed = new SpeedMeter();
  private final Semaphore connectionPermits;
  private final Pacer pacer;
  private final long startNanos = System.nanoTime();
  private final Map<FileJob, DownloadedFile> finishedFiles = new ConcurrentHashMap<>();
  private volatile int priority;
  private volatile Resolved resolved;
  private volatile List<FileJob> jobs = List.of();
  private volatile Cancellation cancellation = new Cancellation();
  private volatile DownloadException error;
  private boolean announcedStart;
  private Progress lastPosted;

  DownloadTask(Engine engine, String id, long sequence, Instant submitted, DownloadRequest request,
      List<DownloadListener> listeners, Resolved resolved) {
    this.engine = engine;
    this.submitted = submitted;
    this.id = id;
    this.sequence = sequence;
    this.request = request;
    this.priority = request.priority();
    this.resolved = resolved;
    this.events = new Events(this, listeners, engine.eventExecutor());
    this.control = new ControlPlane(engine.config(), engine::httpClient, this);
    this.connectionPermits = new Semaphore(engine.config().maxConnections());
    this.pacer = new Pacer(request.bytesPerSecond(), engine.manager().rate());
    this.state = new TaskState(this, events);
  }

  @Override
  public String id() {
    return id;
  }

  long sequence() {
    return sequence;
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
  public DownloadState state() {
    return state.current();
  }

  @Override
  public int priority() {
    return priority;
  }

  @Override
  public void priority(int priority) {
    this.priority = priority;
    engine.manager().journal().priority(id, priority);
  }

  Instant submitted() {
    return submitted;
  }

  @Override
  public Progress progress() {
    return Snapshots.progress(jobs, speed.bytesPerSecond(), connections.get());
  }

  @Override
  public DownloadSnapshot snapshot() {
    DownloadState now = state.current();
    return new DownloadSnapshot(id, Secret.redact(request.source()), now, priority, submitted,
        request.notBefore().orElse(null), progress(), Snapshots.files(jobs, now), error);
  }

  @Override
  public boolean cancel() {
    return state.cancel();
  }

  @Override
  public boolean pause() {
    return state.pause();
  }

  @Override
  public boolean resume() {
    return state.resume();
  }

  /** Posts the first state change, QUEUED (or PAUSED when restored so), once the task is registered. */
  void announce(boolean paused) {
    state.announce(paused);
  }

  /** Called by the queue when a slot is free: starts a run on a worker thread, unless paused or cancelled meanwhile. */
  boolean start() {
    Cancellation run = new Cancellation();
    if (!state.start(resolved == null, () -> cancellation = run)) {
      return false;
    }
    engine.running(this, true);
    engine.workers().execute(this::run);
    return true;
  }

  private void run() {
    DownloadResult result = null;
    DownloadException failure = null;
    try {
      result = execute();
    } catch (DownloadException e) {
      failure = e;
    } catch (RuntimeException | Error e) {
      LOG.error("download of {} failed unexpectedly", request, e);
      failure = new DownloadException(Kind.LOCAL_IO, "unexpected failure: " + Secret.redact(String.valueOf(e)), e);
    }
    engine.running(this, false);
    state.runEnded(result, failure);
  }

  private DownloadResult execute() throws DownloadException {
    if (resolved == null) {
      resolved = resolve();
    }
    if (jobs.isEmpty()) {
      List<FileJob> created = new ArrayList<>();
      for (var f : resolved.files()) {
        created.add(new FileJob(this, f, resolved.resolver()));
      }
      jobs = List.copyOf(created);
      events.resolved(resolved.describe());
    }
    // the speed's first sample: the first progress event then already has a rate
    speed.sample(transferred.get(), System.nanoTime());
    synchronized (this) {
      checkNotCancelled();
      state.downloading();
      if (!announcedStart) {
        announcedStart = true;
        events.started();
      }
    }
    List<DownloadedFile> done = FileRunner.run(this, jobs, finishedFiles);
    return new DownloadResult(done, transferred.get(), Duration.ofNanos(System.nanoTime() - startNanos));
  }

  /** Asks the source for the files (see {@link Resolved#ask}). */
  Resolved resolve() throws DownloadException {
    return Resolved.ask(this);
  }

  /** The last progress event, posted by {@link TaskState} before the COMPLETED state change. */
  void postLastProgress() {
    events.progress(progress(), Snapshots.files(jobs, DownloadState.COMPLETED));
  }

  /** Ends the future after the listeners' last callback; from {@link TaskState}, once. */
  void finish(DownloadResult result, DownloadException failure) {
    this.error = failure;
    engine.manager().journal().ended(id, state.current(), failure);
    if (result != null) {
      events.completed(result, () -> future.settle(result, null));
    } else {
      events.failed(failure, () -> future.settle(null, failure));
    }
    engine.manager().ended(this);
  }

  DownloadException cancelled(DownloadException cause) {
    return new DownloadException(Kind.CANCELLED, "cancelled: " + request
        + (request.discardPartialOnCancel() ? "" : "; partial files are kept and the same request resumes"), cause);
  }

  /** Called by the engine's ticker a few times a second. */
  void tick(long nowNanos) {
    speed.sample(transferred.get(), nowNanos);
    synchronized (this) {
      if (!state.isTransferring()) {
        return;
      }
      Progress p = progress();
      if (!p.equals(lastPosted)) {
        lastPosted = p;
        events.progress(p, Snapshots.files(jobs, state.current()));
      }
    }
  }

  /** A file changed state: the download is VERIFYING while every file left is being verified. */
  void fileStateChanged() {
    state.filesChanged(jobs);
  }

  void checkNotCancelled() throws DownloadException {
    if (cancellation.isCancelled()) {
      throw new DownloadException(Kind.CANCELLED, "cancelled: " + request);
    }
  }

  /** Whether the download was cancelled for good (not paused): partial files may then be discarded. */
  boolean cancelRequested() {
    return state.cancelRequested();
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

  /** The current run's cancel signal, raised by both {@link #cancel()} and {@link #pause()}. */
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

  /** The connections one transfer of this download may take to {@code host}. */
  ConnectionBudget budget(String host) {
    return new ConnectionBudget(connectionPermits, engine.manager().connections(), host);
  }

  @Override
  public long bytesPerSecond() {
    return pacer.rate();
  }

  @Override
  public void bytesPerSecond(long rate) {
    pacer.rate(rate);
  }

  /** Holds a connection of the built-in backend that has just read {@code bytes}, as the rate limits say. */
  void pace(long bytes) {
    pacer.pace(bytes, cancellation);
  }

  long maxRead() {
    return pacer.maxRead();
  }

  void addTransferred(long bytes) {
    transferred.addAndGet(bytes);
  }

  void addConnections(int delta) {
    connections.addAndGet(delta);
  }

  @Override
  public String toString() {
    return "Download{" + id + ", " + request + "}";
  }
}
