package io.modelfetch.server;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every download this server started, by id, on one long-lived {@link Downloads}. The server's
 * only link to the library: start, list, pause, resume, cancel and resolve go through here.
 */
final class DownloadBook {
  private final Downloads downloads;
  private final EventHub hub;
  private final Map<String, Tracked> byId = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  DownloadBook(Downloads downloads, EventHub hub) {
    this.downloads = downloads;
    this.hub = hub;
  }

  /** Starts a download into a folder and returns it; the request is the library's, validated by it. */
  Tracked start(String url, String folderName, Path folder, String sha256) {
    DownloadRequest request = DownloadRequest.of(url).into(folder);
    if (sha256 != null) {
      request = request.sha256(sha256);
    }
    Tracked t = new Tracked(Long.toString(ids.incrementAndGet()), folderName, request, hub);
    byId.put(t.id, t);
    t.announce("queued");
    t.start(downloads);
    return t;
  }

  Optional<Tracked> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** All downloads, oldest first. */
  List<Map<String, Object>> list() {
    List<Tracked> all = new ArrayList<>(byId.values());
    all.sort((a, b) -> Long.compare(Long.parseLong(a.id), Long.parseLong(b.id)));
    List<Map<String, Object>> views = new ArrayList<>();
    all.forEach(t -> views.add(t.view()));
    return views;
  }

  boolean pause(Tracked t) {
    boolean paused = t.pause();
    if (paused) {
      t.announce("paused");
    }
    return paused;
  }

  boolean resume(Tracked t) {
    synchronized (t) {
      if (t.state() != Tracked.State.PAUSED) {
        return false;
      }
      t.start(downloads);
    }
    t.announce("resumed");
    return true;
  }

  /**
   * Cancels a running or paused download (its partial file stays, so the same URL resumes later);
   * a finished one is forgotten (its files stay on disk).
   */
  void remove(Tracked t) {
    if (t.cancel()) {
      t.announce("cancelled");
    } else {
      byId.remove(t.id);
      t.announce("removed");
    }
  }

  /** What a URL would download, without downloading it. */
  Map<String, Object> resolve(String url) throws DownloadException {
    return Resolution.of(downloads, url);
  }
}
