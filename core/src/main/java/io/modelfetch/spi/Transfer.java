package io.modelfetch.spi;

import io.modelfetch.DownloadException;
import io.modelfetch.RetryInfo;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One file for a {@link DownloadBackend} to move: the engine has already followed the redirects,
 * probed the server and chosen the partial file.
 */
public interface Transfer {
  /** The final URL (after redirects) every request for the bytes goes to. */
  URI url();

  /**
   * The headers that may be sent to {@code uri}: the resolver's scoped headers whose host matches,
   * with their values revealed. For a presigned CDN URL this is usually empty. Never log them.
   */
  Map<String, String> headersFor(URI uri);

  /** The size in bytes, or {@code -1} when the server did not say. */
  long size();

  /** Whether the server answered a ranged probe with {@code 206} and a total size. */
  boolean acceptsRanges();

  /** A strong ETag, else a Last-Modified date, to send as {@code If-Range}; empty when the server gave none. */
  Optional<String> validator();

  /** The expected SHA-256 (lower-case hex), when known. The engine verifies it after the transfer. */
  Optional<String> sha256();

  /** Where the bytes go. The backend may keep its own control files beside it ({@code partFile + ".aria2"}). */
  Path partFile();

  /** The resolver's stable identity of the content, for resume state. */
  String identity();

  /** Connections this file may use (already within the download's budget). */
  int connections();

  /** How long to wait for a connection to be established. */
  Duration connectTimeout();

  /** A connection with no bytes for this long is abandoned and retried. */
  Duration idleTimeout();

  /** Attempts per request before giving up. */
  int maxAttempts();

  /**
   * This download's own rate limit in bytes per second, 0 for none. It may change while the
   * transfer runs: a backend that enforces limits itself reads it again at least once a second.
   */
  default long bytesPerSecond() {
    return 0;
  }

  /** Where to report progress and retries. */
  TransferEvents events();

  /** Whether the download was cancelled; the backend should stop moving bytes soon after. */
  boolean isCancelled();

  /** Runs {@code action} (at once if already cancelled) when the download is cancelled; use it to close sockets or stop a process. */
  void onCancel(Runnable action);

  /**
   * Starts again where the resolver says ({@link SourceResolver#refresh}, by default its refresh
   * URL), following redirects, for when a presigned URL expired (a 403 mid-download). Returns the new final URL; {@link #url()} returns it from then on.
   */
  URI refresh() throws DownloadException;

  /**
   * Resolves {@code uri}'s host now and checks its addresses against the {@code Downloads}'
   * address policy. A backend that opens connections by itself (aria2c) calls this before handing a
   * URL over; the built-in backend is checked on every connection it opens.
   *
   * @throws DownloadException {@code INVALID_REQUEST} when the policy refuses an address of the host
   */
  default void checkAddress(URI uri) throws DownloadException {
  }

  /** Progress callbacks from a backend to the engine; thread-safe, cheap, never blocking. */
  interface TransferEvents {
    /** Called once, before any bytes: how many bytes an earlier attempt left that will be kept. */
    void started(long resumedBytes);

    /** Bytes newly written to the partial file. */
    void transferred(long bytes);

    /** The number of connections moving bytes now. */
    void connections(int open);

    /** A request failed and will be tried again after {@link RetryInfo#delay()}. */
    void retrying(RetryInfo retry);

    /** The partial file is discarded and the transfer starts over, with why. */
    void restarted(String reason);
  }
}
