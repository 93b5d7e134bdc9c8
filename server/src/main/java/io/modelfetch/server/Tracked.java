package io.modelfetch.server;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Progress;
import io.modelfetch.ResolvedFile;
import io.modelfetch.RetryInfo;
import io.modelfetch.Secret;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One download as the page sees it: its state, progress and files, kept up to date by the
 * library's listener callbacks, each of which is also published as a Server-Sent Event.
 *
 * <p>Pause cancels the transfer (the library keeps {@code NAME.part} and its resume state) and
 * resume submits the same request again, which continues from the bytes on disk. Every submission
 * gets its own listener ({@link Attempt}), so late events of a paused attempt are ignored.
 */
final class Tracked {
  final String id;
  final String folder;
  private final DownloadRequest request;
  private final EventHub hub;
  private final Instant created = Instant.now();
  private State state = State.QUEUED;
  private Progress progress = Progress.NONE;
  private final List<Map<String, Object>> files = new ArrayList<>();
  private Map<String, Object> error;
  private DownloadHandle handle;
  /** Numbers the snapshots: a page shows the newest it got, whether by event or by answer. */
  private long revision;
  private volatile Attempt attempt;

  enum State { QUEUED, RESOLVING, DOWNLOADING, VERIFYING, PAUSED, COMPLETED, FAILED, CANCELLED }

  Tracked(String id, String folder, DownloadRequest request, EventHub hub) {
    this.id = id;
    this.folder = folder;
    this.request = request;
    this.hub = hub;
  }

  /** Submits the request (again, after a pause) with a listener of its own. */
  synchronized void start(io.modelfetch.Downloads downloads) {
    attempt = new Attempt();
    state = State.RESOLVING;
    error = null;
    handle = downloads.submit(request.listener(attempt));
  }

  synchronized boolean pause() {
    if (state == State.PAUSED || isFinished()) {
      return false;
    }
    state = State.PAUSED;
    attempt = null; // what the cancelled attempt still reports is stale
    handle.cancel();
    return true;
  }

  synchronized boolean cancel() {
    if (isFinished()) {
      return false;
    }
    state = State.CANCELLED;
    attempt = null;
    handle.cancel();
    return true;
  }

  synchronized boolean isFinished() {
    return state == State.COMPLETED || state == State.FAILED || state == State.CANCELLED;
  }

  synchronized State state() {
    return state;
  }

  /** A JSON-ready snapshot; the URL is redacted ({@code token=***}), and errors are the library's secret-free messages. */
  synchronized Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("revision", ++revision);
    m.put("url", Secret.redact(request.source()));
    m.put("folder", folder);
    m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
    m.put("created", created.toString());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("bytesDone", progress.bytesDone());
    p.put("totalBytes", progress.totalBytes());
    p.put("fraction", progress.fraction().orElse(null));
    p.put("bytesPerSecond", progress.bytesPerSecond());
    p.put("etaSeconds", progress.eta().map(d -> d.toSeconds()).orElse(null));
    p.put("connections", progress.openConnections());
    p.put("filesDone", progress.filesDone());
    p.put("filesTotal", progress.filesTotal());
    m.put("progress", p);
    List<Map<String, Object>> fileViews = new ArrayList<>();
    for (Map<String, Object> f : files) {
      Map<String, Object> copy = new LinkedHashMap<>(f);
      if (files.size() == 1 && !"done".equals(f.get("state"))) {
        copy.put("bytesDone", progress.bytesDone()); // one file: its bytes are the download's
      }
      fileViews.add(copy);
    }
    m.put("files", fileViews);
    m.put("error", error);
    return m;
  }

  private void publish(String event, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>(extra);
    data.put("download", view());
    hub.publish(event, id, data);
  }

  /** Publishes a state change the server made itself (pause, resume, cancel). */
  void announce(String event) {
    publish(event, Map.of());
  }

  private Map<String, Object> fileFor(Path target) {
    String name = target.getFileName().toString();
    for (Map<String, Object> f : files) {
      Object n = f.get("name");
      if (n != null && (target.endsWith(n.toString()) || n.equals(name))) {
        return f;
      }
    }
    for (Map<String, Object> f : files) {
      if (f.get("name") == null) {
        f.put("name", name); // the server named it (Content-Disposition, or the URL's last segment)
        return f;
      }
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", name);
    f.put("size", -1L);
    f.put("bytesDone", 0L);
    files.add(f);
    return f;
  }

  /** The listener of one submission. Callbacks come one at a time; each updates the snapshot, then publishes it. */
  private final class Attempt implements DownloadListener {
    private boolean current() {
      return attempt == this;
    }

    @Override
    public void onResolved(DownloadHandle d, List<ResolvedFile> resolved) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        if (files.isEmpty()) {
          for (ResolvedFile r : resolved) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", r.name());
            f.put("size", r.size());
            f.put("bytesDone", -1L);
            f.put("state", "waiting");
            files.add(f);
          }
        }
      }
      publish("resolved", Map.of());
    }

    @Override
    public void onStarted(DownloadHandle d) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        state = State.DOWNLOADING;
      }
      publish("started", Map.of());
    }

    @Override
    public void onFileStarted(DownloadHandle d, Path target, long resumedBytes) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        Map<String, Object> f = fileFor(target);
        f.put("state", "downloading");
        f.put("name", target.getFileName().toString());
      }
      publish("fileStarted", Map.of("file", target.getFileName().toString(), "resumedBytes", resumedBytes));
    }

    @Override
    public void onProgress(DownloadHandle d, Progress p) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        progress = p;
      }
      publish("progress", Map.of());
    }

    @Override
    public void onRetrying(DownloadHandle d, RetryInfo retry) {
      if (current()) {
        publish("retrying", Map.of("reason", retry.reason(), "attempt", retry.attempt(),
            "delaySeconds", retry.delay().toMillis() / 1000.0));
      }
    }

    @Override
    public void onRestarted(DownloadHandle d, Path target, String reason) {
      if (current()) {
        publish("restarted", Map.of("file", target.getFileName().toString(), "reason", reason));
      }
    }

    @Override
    public void onVerifying(DownloadHandle d, Path target) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        fileFor(target).put("state", "verifying");
        if (files.stream().allMatch(f -> "verifying".equals(f.get("state")) || "done".equals(f.get("state")))) {
          state = State.VERIFYING;
        }
      }
      publish("verifying", Map.of("file", target.getFileName().toString()));
    }

    @Override
    public void onFileCompleted(DownloadHandle d, DownloadedFile file) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        Map<String, Object> f = fileFor(file.path());
        f.put("state", "done");
        f.put("size", file.size());
        f.put("bytesDone", file.size());
        f.put("status", file.status().name().toLowerCase(java.util.Locale.ROOT));
      }
      publish("fileCompleted", Map.of("file", file.path().getFileName().toString()));
    }

    @Override
    public void onCompleted(DownloadHandle d, DownloadResult result) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        state = State.COMPLETED;
      }
      publish("completed", Map.of("elapsedSeconds", result.elapsed().toMillis() / 1000.0,
          "bytesTransferred", result.bytesTransferred()));
    }

    @Override
    public void onFailed(DownloadHandle d, DownloadException e) {
      synchronized (Tracked.this) {
        if (!current()) {
          return;
        }
        state = e.kind() == DownloadException.Kind.CANCELLED ? State.CANCELLED : State.FAILED;
        error = ApiErrors.describe(e);
      }
      publish("failed", Map.of());
    }

    @Override
    public void onNotice(DownloadHandle d, String message) {
      if (current()) {
        publish("notice", Map.of("message", message));
      }
    }
  }
}
