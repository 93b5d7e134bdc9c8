package io.modelfetch.aria2;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.spi.BackendContext;
import io.modelfetch.spi.Transfer;
import io.modelfetch.spi.TransferResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file through the daemon: {@code aria2.addUri} into the partial file, then {@code tellStatus}
 * about four times a second, turned into the engine's progress events, until aria2 reports the
 * file complete or failed. Cancelling removes the download at once ({@code forceRemove}); aria2
 * keeps the partial file and its control file, so the next attempt resumes.
 */
final class Aria2Transfer {
  private static final String FILE_ALLOCATION_OPTION = "aria2.file-allocation";
  private static final Logger LOG = LoggerFactory.getLogger(Aria2Transfer.class);
  private static final long POLL_MILLIS = 250;
  private static final long MIN_POLL_MILLIS = 10;
  /** aria2 refuses more: {@code max-connection-per-server} is 1..16, hard-coded. */
  private static final int MAX_CONNECTIONS = 16;
  /** How long a cancelled download may take to stop before the transfer returns anyway. */
  private static final long CANCEL_WAIT_MILLIS = 3_000;
  private static final int RPC_FAILURES_TOLERATED = 3;
  private static final long REFRESH_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Transfer transfer;
  private final BackendContext context;
  private final Aria2Daemon daemon;
  private final PartFiles files;
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private volatile String gid;
  private URI url;
  private boolean started;
  private long resumed;
  /** The most bytes aria2 has reported on disk; progress is reported only beyond it, so it never goes back. */
  private long highWater;
  private int connections;
  private long lastRefreshNanos;
  private boolean refreshed;
  /** The download's limit last given to aria2. */
  private long downloadLimit;

  Aria2Transfer(Transfer transfer, BackendContext context, Aria2Daemon daemon) {
    this.transfer = transfer;
    this.context = context;
    this.daemon = daemon;
    this.files = new PartFiles(transfer);
    this.url = transfer.url();
  }

  TransferResult run() throws DownloadException {
    transfer.onCancel(this::cancel);
    prepare();
    while (true) {
      checkNotCancelled();
      gid = add();
      if (transfer.isCancelled()) {
        cancel();
      }
      Aria2Status end = follow();
      LOG.debug("aria2 download {} ended: {}", gid, end.status());
      forget();
      refuseLinks();
      if (end.isComplete()) {
        return complete();
      }
      if (end.errorCode() == 32) {
        // aria2 found the SHA-256 wrong; the engine hashes the part itself and reports both digests
        deleteResumeState();
        return new TransferResult(size(), null, resumed > 0);
      }
      if ((end.errorCode() == 22 || end.errorCode() == 24) && mayRefresh()) {
        // The server refused with an HTTP status, which aria2 names in its console but not in tellStatus.
        // Asking the source again either yields a fresh link (a presigned URL expired mid-download), and
        // aria2 resumes from its control file, or fails with the engine's own error for that status.
        url = transfer.refresh();
        continue;
      }
      if (end.errorCode() == 8 || end.errorCode() == 10) {
        startOver();
      }
      throw Aria2Errors.of(end, url, files.part());
    }
  }

  /**
   * Decides between resuming and starting over. A fresh start is reported at once; a resume once
   * aria2 has read its control file and says how much it kept.
   */
  private void prepare() throws DownloadException {
    refuseLinks();
    try {
      files.owner().awaitOrphan(context::notice, transfer::isCancelled);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(Kind.CANCELLED, "interrupted while waiting for an earlier aria2c to stop");
    }
    checkNotCancelled();
    try {
      if (files.canResume()) {
        return;
      }
      String reason = files.discardReason();
      files.startOver();
      started(0);
      if (reason != null) {
        transfer.events().restarted(reason);
      }
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot prepare " + files.part() + ": " + FileErrors.cause(e), e);
    }
  }

  private void refuseLinks() throws DownloadException {
    try {
      files.refuseLinks();
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot use " + files.part() + ": " + FileErrors.cause(e), e);
    }
  }

  private String add() throws DownloadException {
    Map<String, Object> options = options();
    options.putAll(proxyOptions());
    transfer.checkAddress(url); // aria2c resolves and connects by itself: check the address it will get
    try {
      files.owner().record(daemon.pid());
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot write beside " + files.part() + ": " + FileErrors.cause(e), e);
    }
    try {
      return daemon.rpc().addUri(url, options);
    } catch (Aria2RpcException e) {
      throw new DownloadException(Kind.INVALID_REQUEST, "aria2c refused the download of " + files.part().getFileName()
          + " (" + e.getMessage() + "); check the aria2.* backend options", e);
    } catch (IOException e) {
      throw daemonFailed("could not hand the download to aria2c", e);
    }
  }

  private Map<String, Object> options() {
    int n = transfer.acceptsRanges() ? Math.max(1, Math.min(transfer.connections(), MAX_CONNECTIONS)) : 1;
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("dir", files.part().getParent().toString());
    options.put("out", files.part().getFileName().toString());
    options.put("split", Integer.toString(n));
    options.put("max-connection-per-server", Integer.toString(n));
    // aria2 does not split a range below twice this; the smallest value lets idle connections take over the tail
    options.put("min-split-size", "1M");
    options.put("continue", "true");
    downloadLimit = transfer.bytesPerSecond();
    options.put("max-download-limit", Long.toString(downloadLimit));
    options.put("allow-overwrite", "true");
    options.put("auto-file-renaming", "false");
    // falloc reserves the space at once (the engine checked it is free) without writing zeros
    options.put("file-allocation", transfer.size() > 0 ? context.option(FILE_ALLOCATION_OPTION).orElse("falloc") : "none");
    options.put("user-agent", context.userAgent());
    options.put("connect-timeout", seconds(transfer.connectTimeout()));
    options.put("timeout", seconds(transfer.idleTimeout()));
    options.put("max-tries", Integer.toString(transfer.maxAttempts()));
    // without a wait aria2 does not retry a 503
    options.put("retry-wait", "1");
    transfer.sha256().ifPresent(sha -> options.put("checksum", "sha-256=" + sha));
    // only what the resolver scoped to this URL's host; the URL is final, so nothing can follow a redirect elsewhere
    List<String> headers = new ArrayList<>();
    transfer.headersFor(url).forEach((name, value) -> headers.add(name + ": " + value));
    if (!headers.isEmpty()) {
      options.put("header", headers);
    }
    return options;
  }

  /**
   * The proxy the builder's {@code ProxySelector} picks for the URL, as the built-in backend would
   * use it (aria2c's own reading of {@code http_proxy} and the like is switched off: the daemon
   * starts without them). aria2c speaks to HTTP proxies only.
   */
  private Map<String, Object> proxyOptions() throws DownloadException {
    Proxy proxy = context.proxyFor(url);
    String value;
    switch (proxy.type()) {
      case DIRECT:
        value = "";
        break;
      case HTTP:
        InetSocketAddress address = (InetSocketAddress) proxy.address();
        String host = address.getHostString();
        value = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
        break;
      default:
        throw new DownloadException(Kind.INVALID_REQUEST, "aria2c cannot use the SOCKS proxy chosen for "
            + Secret.redact(url.toString()) + "; use the built-in backend (--backend jdk) with SOCKS proxies");
    }
    Map<String, Object> options = new LinkedHashMap<>();
    // "" overrides a proxy set anywhere else; the protocol-specific options would win over all-proxy
    options.put("all-proxy", value);
    options.put("http-proxy", value);
    options.put("https-proxy", value);
    options.put("no-proxy", "");
    return options;
  }

  /** Polls the download until it stops, reporting progress on the way. */
  private Aria2Status follow() throws DownloadException {
    int failures = 0;
    long cancelDeadline = 0;
    while (true) {
      Aria2Status status;
      try {
        status = daemon.rpc().tellStatus(gid);
        failures = 0;
      } catch (IOException e) {
        if (transfer.isCancelled()) {
          throw cancelledError();
        }
        if (!daemon.isAlive() || ++failures > RPC_FAILURES_TOLERATED) {
          throw daemonFailed("lost contact with aria2c", e);
        }
        pause(POLL_MILLIS);
        continue;
      }
      if (!status.isFailed()) {
        progress(status);
      }
      if (!status.isComplete() && !status.isFailed() && !status.isRemoved()) {
        limits();
      }
      boolean stopped = status.isComplete() || status.isFailed() || status.isRemoved();
      if (transfer.isCancelled()) {
        if (cancelDeadline == 0) {
          cancelDeadline = System.currentTimeMillis() + CANCEL_WAIT_MILLIS;
        }
        // aria2 writes its control file as the download stops: wait for that, so the next attempt resumes
        if (stopped || System.currentTimeMillis() > cancelDeadline) {
          forget();
          throw cancelledError();
        }
      } else if (stopped) {
        return status;
      }
      pause(nextPoll(status));
    }
  }

  /**
   * Keeps aria2's rate limits equal to the engine's, which may change while the download runs. A
   * failed change (the download stopped meanwhile) is tried again at the next poll.
   */
  private void limits() {
    try {
      daemon.overallLimit(context.totalBytesPerSecond());
      long own = transfer.bytesPerSecond();
      if (own != downloadLimit) {
        daemon.rpc().changeOption(gid, Map.of("max-download-limit", Long.toString(own)));
        downloadLimit = own;
      }
    } catch (IOException e) {
      LOG.debug("changing aria2's rate limit for {} failed: {}", gid, e.getMessage());
    }
  }

  /**
   * Polls every {@value #POLL_MILLIS} ms, and sooner when the download should end before that:
   * without this the end was noticed 125 ms late on average.
   */
  private static long nextPoll(Aria2Status status) {
    long left = status.millisLeft();
    return left < 0 ? POLL_MILLIS : Math.max(MIN_POLL_MILLIS, Math.min(POLL_MILLIS, left));
  }

  private void progress(Aria2Status status) {
    if (!started) {
      // resuming: aria2 knows the size once it has read its control file, and completedLength is what it kept
      if (status.totalLength() <= 0 && !status.isComplete() && !status.isRemoved()) {
        return;
      }
      started(status.completedLength());
    }
    if (status.completedLength() > highWater) {
      transfer.events().transferred(status.completedLength() - highWater);
      highWater = status.completedLength();
    }
    if (status.connections() != connections) {
      connections = status.connections();
      transfer.events().connections(connections);
    }
  }

  private void started(long kept) {
    started = true;
    resumed = kept;
    highWater = kept;
    transfer.events().started(kept);
  }

  private TransferResult complete() throws DownloadException {
    deleteResumeState();
    // with a checksum option aria2 has verified the SHA-256 of the whole file before reporting it complete
    return new TransferResult(size(), transfer.sha256().orElse(null), resumed > 0);
  }

  private boolean mayRefresh() {
    long now = System.nanoTime();
    if (refreshed && now - lastRefreshNanos < REFRESH_INTERVAL_NANOS) {
      return false;
    }
    refreshed = true;
    lastRefreshNanos = now;
    return true;
  }

  /** Runs on the thread that cancels: stops aria2 at once and wakes the poller. */
  private void cancel() {
    String current = gid;
    if (current != null) {
      try {
        daemon.rpc().forceRemove(current);
      } catch (IOException e) {
        LOG.debug("aria2.forceRemove {} failed: {}", current, e.getMessage());
      }
    }
    cancelled.countDown();
  }

  private void pause(long millis) throws DownloadException {
    try {
      if (cancelled.await(millis, TimeUnit.MILLISECONDS)) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new DownloadException(Kind.CANCELLED, "interrupted while downloading " + files.part().getFileName());
    }
  }

  private void checkNotCancelled() throws DownloadException {
    if (transfer.isCancelled()) {
      throw cancelledError();
    }
  }

  private DownloadException cancelledError() {
    return new DownloadException(Kind.CANCELLED, "the download of " + files.part().getFileName()
        + " was cancelled; the partial file is kept, run it again to resume");
  }

  /** Drops a stopped download from aria2's memory, so a long-lived daemon does not accumulate them. */
  private void forget() {
    try {
      daemon.rpc().removeDownloadResult(gid);
    } catch (IOException e) {
      LOG.debug("aria2.removeDownloadResult {} failed: {}", gid, e.getMessage());
    }
  }

  private DownloadException daemonFailed(String what, IOException e) {
    String state = daemon.isAlive() ? e.getMessage() : daemon.exitDescription();
    return new DownloadException(Kind.LOCAL_IO, what + " for " + files.part().getFileName() + " (" + state
        + "); run the same command again to resume, or use the built-in backend (--backend jdk)", e);
  }

  private void startOver() {
    try {
      files.startOver();
    } catch (IOException e) {
      context.notice("could not remove " + files.part() + ": " + e.getMessage());
    }
  }

  private void deleteResumeState() {
    try {
      files.deleteResumeState();
    } catch (IOException e) {
      context.notice("could not delete aria2's control file beside " + files.part() + ": " + e.getMessage());
    }
  }

  private long size() throws DownloadException {
    try {
      return Files.size(files.part());
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "aria2c reported " + files.part().getFileName()
          + " complete but it cannot be read: " + e.getMessage(), e);
    }
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }
}
