package io.modelfetch.cli;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.Progress;
import io.modelfetch.RetryInfo;
import io.modelfetch.internal.Sizes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One self-overwriting status line on stderr: percent, bytes, speed, ETA, connections. When stderr
 * is not a terminal (a log file, CI), a plain line every few seconds instead.
 */
final class ProgressLine implements DownloadListener {
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;

  private final PrintStream err;
  private final boolean interactive;
  private volatile String name = "";
  private int lastLength;
  private long lastLogged;

  ProgressLine(PrintStream err, boolean interactive) {
    this.err = err;
    this.interactive = interactive;
  }

  @Override
  public void onFileStarted(DownloadHandle download, Path target, long resumedBytes) {
    name = target.getFileName().toString();
    if (resumedBytes > 0) {
      clear();
      err.println("resuming " + name + " (" + Sizes.human(resumedBytes) + " already here)");
    }
  }

  @Override
  public synchronized void onProgress(DownloadHandle download, Progress p) {
    StringBuilder sb = new StringBuilder();
    p.fraction().ifPresent(f -> sb.append(String.format(Locale.ROOT, "%5.1f%%  ", f * 100)));
    sb.append(Sizes.human(p.bytesDone()));
    if (p.totalBytes() >= 0) {
      sb.append(" / ").append(Sizes.human(p.totalBytes()));
    }
    sb.append("  ").append(Sizes.human(p.bytesPerSecond())).append("/s");
    p.eta().ifPresent(eta -> sb.append("  ETA ").append(format(eta)));
    sb.append("  ").append(p.openConnections()).append(" conn");
    if (p.filesTotal() > 1) {
      sb.append("  ").append(p.filesDone()).append('/').append(p.filesTotal()).append(" files");
    } else if (!name.isEmpty()) {
      sb.append("  ").append(name);
    }
    line(sb.toString());
  }

  @Override
  public synchronized void onRetrying(DownloadHandle download, RetryInfo retry) {
    clear();
    err.println("retrying (attempt " + retry.attempt() + ", in " + retry.delay().toMillis() + " ms): " + retry.reason());
  }

  @Override
  public synchronized void onRestarted(DownloadHandle download, Path target, String reason) {
    clear();
    err.println("restarting " + target.getFileName() + ": " + reason);
  }

  @Override
  public synchronized void onNotice(DownloadHandle download, String message) {
    clear();
    err.println(message);
  }

  synchronized void clear() {
    if (lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      err.flush();
      lastLength = 0;
    }
  }

  private void line(String text) {
    if (!interactive) {
      long now = System.nanoTime();
      if (now - lastLogged >= LOG_EVERY_NANOS) {
        lastLogged = now;
        err.println(text);
      }
      return;
    }
    String padded = text.length() < lastLength ? text + " ".repeat(lastLength - text.length()) : text;
    err.print("\r" + padded);
    err.flush();
    lastLength = text.length();
  }

  private static String format(Duration d) {
    long s = d.getSeconds();
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
