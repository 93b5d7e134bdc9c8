package io.modelfetch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A download as a UI lists it, taken at one moment: what {@link Downloads#list()},
 * {@link Downloads#get(String)} and {@link DownloadHandle#snapshot()} return. Immutable; it does
 * not change as the download goes on.
 *
 * <pre>{@code
 * for (DownloadSnapshot s : downloads.list()) {
 *   System.out.printf("%s %-11s %s %s%n", s.id(), s.state(), s.source(),
 *       s.progress().fraction().map(f -> Math.round(f * 100) + "%").orElse("?"));
 * }
 * }</pre>
 *
 * @param id the download's id, stable for its life ({@link DownloadHandle#id()})
 * @param source what was requested, with credentials redacted
 * @param state where it is
 * @param priority its priority in the queue (higher goes first)
 * @param submitted when it was submitted
 * @param notBefore the earliest start it asked for, or {@code null}
 * @param progress the whole download's progress
 * @param files each file's progress, in the order the source listed them (empty until resolved)
 * @param error why it failed or was cancelled, or {@code null}
 */
public record DownloadSnapshot(String id, String source, DownloadState state, int priority, Instant submitted,
    Instant notBefore, Progress progress, List<FileProgress> files, DownloadException error) {

  public DownloadSnapshot {
    files = List.copyOf(files);
  }

  /** Current rate over the last few seconds, bytes per second. */
  public long bytesPerSecond() {
    return progress.bytesPerSecond();
  }

  /** Estimated time left, when the size and the rate are known. */
  public Optional<Duration> eta() {
    return state == DownloadState.DOWNLOADING ? progress.eta() : Optional.empty();
  }

  /** The error, if the download failed or was cancelled. */
  public Optional<DownloadException> failure() {
    return Optional.ofNullable(error);
  }
}
