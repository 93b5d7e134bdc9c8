package io.modelfetch.internal;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.RetryInfo;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.Transfer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine's side of one backend transfer: what to fetch, and where progress goes. */
public final class TransferImpl implements Transfer, Transfer.TransferEvents, AutoCloseable {
  private final FileJob job;
  private final DownloadTask task;
  private final Path part;
  private final ScopedHeaders credentials;
  private final RemoteFile file;
  private final List<Cancellation.Registration> registrations = new ArrayList<>();
  private final int granted;
  private final ConnectionBudget budget;
  private volatile Probe probe;
  private volatile boolean started;
  private final AtomicInteger reportedConnections = new AtomicInteger();

  /**
   * @param granted connections already taken from the budget for this file, or -1 when the backend
   *     takes them from the budget itself as it goes (the built-in one)
   */
  TransferImpl(FileJob job, DownloadTask task, Probe probe, Path part, ScopedHeaders credentials, RemoteFile file,
      int granted, ConnectionBudget budget) {
    this.granted = granted;
    this.budget = budget;
    this.job = job;
    this.task = task;
    this.probe = probe;
    this.part = part;
    this.credentials = credentials;
    this.file = file;
  }

  @Override
  public URI url() {
    return probe.finalUrl();
  }

  @Override
  public void checkAddress(URI uri) throws DownloadException {
    try {
      task.engine().config().addressPolicy().check(uri);
    } catch (AddressPolicy.Refused e) {
      throw HttpErrors.refused(e, uri);
    } catch (IOException e) {
      throw HttpErrors.forIo(e, uri, 1);
    }
  }

  @Override
  public Map<String, String> headersFor(URI uri) {
    return credentials.forUri(uri);
  }

  @Override
  public long size() {
    return probe.size();
  }

  @Override
  public boolean acceptsRanges() {
    return probe.acceptsRanges();
  }

  @Override
  public Optional<String> validator() {
    return Optional.ofNullable(probe.validator());
  }

  @Override
  public Optional<String> sha256() {
    return file.sha256();
  }

  @Override
  public Path partFile() {
    return part;
  }

  @Override
  public String identity() {
    return file.identity();
  }

  @Override
  public int connections() {
    return granted > 0 ? granted : task.request().connections().orElse(task.engine().config().connectionsPerFile());
  }

  @Override
  public Duration connectTimeout() {
    return task.engine().config().connectTimeout();
  }

  @Override
  public Duration idleTimeout() {
    return task.engine().config().idleTimeout();
  }

  @Override
  public int maxAttempts() {
    return task.engine().config().maxAttempts();
  }

  @Override
  public TransferEvents events() {
    return this;
  }

  @Override
  public boolean isCancelled() {
    return task.cancellation().isCancelled();
  }

  @Override
  public void onCancel(Runnable action) {
    Cancellation.Registration r = task.cancellation().onCancel(action);
    synchronized (registrations) {
      registrations.add(r);
    }
  }

  /** Like {@link #onCancel} but returns the registration, for actions that end before the transfer does. */
  public Cancellation.Registration whileRunning(Runnable action) {
    return task.cancellation().onCancel(action);
  }

  @Override
  public URI refresh() throws DownloadException {
    Probe fresh = Probe.run(task.engine().data(), job.refreshStart(), credentials, task.engine().config(), task);
    TargetPlanner.checkContentType(fresh, part.resolveSibling(stripPart(part.getFileName().toString())));
    if (fresh.size() != probe.size()) {
      throw new RemoteChangedException("after refreshing the link the file is " + fresh.size()
          + " bytes instead of " + probe.size());
    }
    // the fresh link's If-Range would match the new version, so ranges fetched from now on would
    // be spliced into a part that holds the old one
    if (!Objects.equals(fresh.validator(), probe.validator())) {
      throw new RemoteChangedException("after refreshing the link the file has changed (validator "
          + probe.validator() + " -> " + fresh.validator() + ")");
    }
    task.notice("the download link of " + part.getFileName() + " expired; continuing with a fresh one");
    probe = fresh;
    return fresh.finalUrl();
  }

  /** Where the resolver's chain of redirects starts; a URL on another host is a signed redirect target. */
  public URI refreshUrl() {
    return file.refreshUrl();
  }

  /** Whether the engine wants the SHA-256 computed during the transfer. */
  public boolean wantsSha256() {
    return file.sha256().isPresent() || task.engine().config().alwaysHash();
  }

  public ConnectionBudget budget() {
    return budget;
  }

  /** Fails with CANCELLED when the download was cancelled. */
  public void checkNotCancelled() throws DownloadException {
    task.checkNotCancelled();
  }

  /** Waits, failing with CANCELLED if the download is cancelled meanwhile. */
  public void sleep(Duration wait) throws DownloadException {
    task.sleep(wait);
  }

  @Override
  public void started(long resumedBytes) {
    if (started) {
      return;
    }
    started = true;
    job.started(part.resolveSibling(stripPart(part.getFileName().toString())), resumedBytes);
  }

  @Override
  public void transferred(long bytes) {
    job.addDone(bytes);
    task.addTransferred(bytes);
    if (granted < 0) {
      task.pace(bytes); // the built-in backend's connection waits here for the rate limits
    }
  }

  @Override
  public long bytesPerSecond() {
    return task.bytesPerSecond();
  }

  /** The most one read should take, so that a rate limit paces in small steps rather than in bursts. */
  public long maxRead() {
    return task.maxRead();
  }

  @Override
  public void connections(int open) {
    int previous = reportedConnections.getAndSet(open);
    task.addConnections(open - previous);
  }

  @Override
  public void retrying(RetryInfo retry) {
    task.events().retrying(retry);
  }

  @Override
  public void restarted(String reason) {
    job.restarted(part.resolveSibling(stripPart(part.getFileName().toString())), reason);
  }

  private static String stripPart(String name) {
    return name.endsWith(".part") ? name.substring(0, name.length() - 5) : name;
  }

  @Override
  public void close() {
    connections(0);
    synchronized (registrations) {
      registrations.forEach(Cancellation.Registration::close);
      registrations.clear();
    }
  }
}
