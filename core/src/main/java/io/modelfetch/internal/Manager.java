package io.modelfetch.internal;

import io.modelfetch.BatchHandle;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadSnapshot;
import io.modelfetch.DownloadState;
import io.modelfetch.Limits;
import io.modelfetch.Progress;
import io.modelfetch.Resolution;
import io.modelfetch.Secret;
import io.modelfetch.internal.state.Journal;
import io.modelfetch.spi.DownloadBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The download manager of one engine: every download by id (live, ended, and restored from the
 * state folder), the queue and its running slots, the connection and rate limits, the answers of
 * {@code resolve} kept for a following submit, and the journal of the state folder.
 */
public final class Manager {
  private final Engine engine;
  private final Registry registry = new Registry();
  private final ResolveCache resolutions = new ResolveCache();
  private final List<DownloadSnapshot> history = new ArrayList<>();
  private final DownloadQueue queue;
  private final ConnectionLimits connections;
  private final RateLimiter rate;
  private final Journal journal;
  private volatile Limits limits;

  Manager(Engine engine, EngineConfig config) {
    this.engine = engine;
    this.limits = config.limits();
    this.queue = new DownloadQueue(limits.maxRunningDownloads(), DownloadTask::start);
    this.connections = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerHost());
    this.rate = new RateLimiter(limits.bytesPerSecond());
    this.journal = config.stateFolder() == null ? Journal.none() : Journal.open(config.stateFolder());
  }

  /**
   * Brings back the downloads of an earlier run from the state folder: ended ones into the history,
   * paused ones paused, and the rest (queued, or running when the process stopped) into the queue,
   * where they continue from their partial files.
   */
  void restore() {
    for (Journal.Entry e : journal.restored()) {
      registry.sequenceAtLeast(e.sequence());
      if (e.state().isTerminal()) {
        history.add(new DownloadSnapshot(e.id(), Secret.redact(e.request().source()), e.state(), e.priority(),
            e.submitted(), e.request().notBefore().orElse(null), Progress.NONE, List.of(), e.error()));
        continue;
      }
      DownloadTask task = new DownloadTask(engine, e.id(), e.sequence(), e.submitted(), e.request(),
          engine.listenersFor(e.request()), null);
      task.priority(e.priority());
      registry.add(task);
      boolean paused = e.state() == DownloadState.PAUSED;
      task.announce(paused);
      if (!paused) {
        queue.offer(task);
      }
    }
  }

  /** Queues a download; it starts when a slot is free, by priority, then submission order. */
  public DownloadHandle submit(DownloadRequest request) {
    engine.checkOpen();
    ServiceKeys.check("token", request.tokens().keySet(), engine.resolvers());
    DownloadTask task = newTask(request, engine.listenersFor(request), resolutions.take(request).orElse(null));
    registry.add(task);
    journal.added(task.id(), task.sequence(), task.submitted(), request);
    task.announce(false);
    queue.offer(task);
    return task;
  }

  /** Submits every request (all checked first, so none is queued when one is invalid) and follows them as one batch. */
  public BatchHandle submitBatch(List<DownloadRequest> requests, BatchHandle.Mode mode) {
    engine.checkOpen();
    for (DownloadRequest r : requests) {
      ServiceKeys.check("token", r.tokens().keySet(), engine.resolvers());
    }
    List<DownloadHandle> handles = new ArrayList<>();
    for (DownloadRequest r : requests) {
      handles.add(submit(r));
    }
    return new Batch(handles, mode);
  }

  /** Asks the source what the request would download, without any file body; the answer is kept for a following submit. */
  public Resolution resolve(DownloadRequest request) throws DownloadException {
    engine.checkOpen();
    ServiceKeys.check("token", request.tokens().keySet(), engine.resolvers());
    DownloadTask scratch = newTask(request, List.of(), null);
    Resolved resolved = scratch.resolve();
    DownloadBackend backend = engine.backendFor(request, scratch);
    resolutions.put(request, resolved);
    return new Resolution(Secret.redact(request.source()), resolved.resolver().name(), backend.name(),
        resolved.describe());
  }

  /** {@link #resolve} on a worker thread. */
  public CompletableFuture<Resolution> resolveAsync(DownloadRequest request) {
    engine.checkOpen();
    ServiceKeys.check("token", request.tokens().keySet(), engine.resolvers());
    CompletableFuture<Resolution> answer = new CompletableFuture<>();
    engine.workers().execute(() -> {
      try {
        answer.complete(resolve(request));
      } catch (DownloadException | RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** Downloads of earlier runs that had ended, then this run's, in submission order. */
  public List<DownloadSnapshot> list() {
    List<DownloadSnapshot> all = new ArrayList<>(history);
    registry.all().forEach(t -> all.add(t.snapshot()));
    return all;
  }

  public Optional<DownloadSnapshot> get(String id) {
    DownloadTask task = registry.get(id);
    if (task != null) {
      return Optional.of(task.snapshot());
    }
    return history.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  public Optional<DownloadHandle> handle(String id) {
    return Optional.ofNullable(registry.get(id));
  }

  Journal journal() {
    return journal;
  }

  public Limits limits() {
    return limits;
  }

  public void limits(Limits limits) {
    this.limits = limits;
    connections.limits(limits.maxConnections(), limits.maxConnectionsPerHost());
    rate.rate(limits.bytesPerSecond());
    queue.maxRunning(limits.maxRunningDownloads());
  }

  ConnectionLimits connections() {
    return connections;
  }

  RateLimiter rate() {
    return rate;
  }

  private DownloadTask newTask(DownloadRequest request, List<DownloadListener> listeners, Resolved resolved) {
    return new DownloadTask(engine, registry.newId(), registry.nextSequence(), Instant.now(), request, listeners,
        resolved);
  }

  DownloadQueue queue() {
    return queue;
  }

  /** The task ended for good; the registry keeps it in the history for a while. */
  void ended(DownloadTask task) {
    registry.ended(task);
  }

  /** Stops every download; the journal is closed first, so the state folder keeps them as they were for the next start. */
  void close() {
    journal.close();
    for (DownloadTask task : registry.all()) {
      task.cancel();
    }
  }
}
