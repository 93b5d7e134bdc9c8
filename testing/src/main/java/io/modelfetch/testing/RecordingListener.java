package io.modelfetch.testing;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Progress;
import io.modelfetch.ResolvedFile;
import io.modelfetch.RetryInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every callback as a short event name, and keeps the payloads, so tests can assert the
 * exact sequence:
 *
 * <pre>{@code
 * assertThat(listener.eventsWithoutProgress())
 *     .containsExactly("resolved", "started", "fileStarted", "verifying", "fileCompleted", "completed");
 * }</pre>
 */
public final class RecordingListener implements DownloadListener {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Progress> progress = new CopyOnWriteArrayList<>();
  private final List<RetryInfo> retries = new CopyOnWriteArrayList<>();
  private final List<String> notices = new CopyOnWriteArrayList<>();
  private final List<String> restarts = new CopyOnWriteArrayList<>();
  private final List<Long> resumedBytes = new CopyOnWriteArrayList<>();
  private final List<DownloadedFile> files = new CopyOnWriteArrayList<>();
  private volatile List<ResolvedFile> resolved = List.of();
  private volatile DownloadException failure;
  private volatile DownloadResult result;

  @Override
  public void onResolved(DownloadHandle download, List<ResolvedFile> files) {
    resolved = List.copyOf(files);
    events.add("resolved");
  }

  @Override
  public void onStarted(DownloadHandle download) {
    events.add("started");
  }

  @Override
  public void onFileStarted(DownloadHandle download, Path target, long resumed) {
    resumedBytes.add(resumed);
    events.add("fileStarted");
  }

  @Override
  public void onProgress(DownloadHandle download, Progress p) {
    progress.add(p);
    events.add("progress");
  }

  @Override
  public void onRetrying(DownloadHandle download, RetryInfo retry) {
    retries.add(retry);
    events.add("retrying");
  }

  @Override
  public void onRestarted(DownloadHandle download, Path target, String reason) {
    restarts.add(reason);
    events.add("restarted");
  }

  @Override
  public void onVerifying(DownloadHandle download, Path target) {
    events.add("verifying");
  }

  @Override
  public void onFileCompleted(DownloadHandle download, DownloadedFile file) {
    files.add(file);
    events.add("fileCompleted");
  }

  @Override
  public void onCompleted(DownloadHandle download, DownloadResult r) {
    result = r;
    events.add("completed");
  }

  @Override
  public void onFailed(DownloadHandle download, DownloadException error) {
    failure = error;
    events.add("failed");
  }

  @Override
  public void onNotice(DownloadHandle download, String message) {
    notices.add(message);
    events.add("notice");
  }

  /** Every event name in order. */
  public List<String> events() {
    return List.copyOf(events);
  }

  /** Event names in order, without progress, retry and notice events (whose number depends on timing). */
  public List<String> eventsWithoutProgress() {
    List<String> out = new ArrayList<>();
    for (String e : events) {
      if (!e.equals("progress") && !e.equals("retrying") && !e.equals("notice")) {
        out.add(e);
      }
    }
    return out;
  }

  public List<Progress> progress() {
    return List.copyOf(progress);
  }

  public List<RetryInfo> retries() {
    return List.copyOf(retries);
  }

  public List<String> notices() {
    return List.copyOf(notices);
  }

  public List<String> restarts() {
    return List.copyOf(restarts);
  }

  public List<Long> resumedBytes() {
    return List.copyOf(resumedBytes);
  }

  public List<DownloadedFile> files() {
    return List.copyOf(files);
  }

  public List<ResolvedFile> resolved() {
    return resolved;
  }

  public DownloadException failure() {
    return failure;
  }

  public DownloadResult result() {
    return result;
  }
}
