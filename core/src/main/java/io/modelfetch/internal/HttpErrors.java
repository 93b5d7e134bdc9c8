package io.modelfetch.internal;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Turns HTTP statuses and I/O failures of the data path into {@link DownloadException}s that say what to do. */
public final class HttpErrors {
  private HttpErrors() {
  }

  /** The error for a final (non-retryable, or retries exhausted) HTTP status. */
  public static DownloadException forStatus(int status, URI uri) {
    String where = Secret.redact(uri.toString());
    String host = uri.getHost();
    switch (status) {
      case 401:
        return new DownloadException(Kind.AUTHENTICATION_REQUIRED, host + " requires authentication (HTTP 401) for "
            + where + ": configure a token for this source, or check that the one you use is still valid");
      case 403:
        return new DownloadException(Kind.ACCESS_DENIED, host + " refused access (HTTP 403) to " + where
            + ": the token may lack permission for this file, or the link has expired; request a fresh link");
      case 404:
      case 410:
        return new DownloadException(Kind.NOT_FOUND, "not found (HTTP " + status + "): " + where
            + "; check the URL, or whether the file was removed");
      case 429:
        return new DownloadException(Kind.RATE_LIMITED, host + " kept answering 'too many requests' (HTTP 429) for "
            + where + "; wait a few minutes, use fewer connections, or use a token if the source offers higher limits");
      default:
        if (status >= 500) {
          return new DownloadException(Kind.NETWORK, host + " kept failing with HTTP " + status + " for " + where
              + "; the server has trouble, try again later");
        }
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, "unexpected HTTP " + status + " from " + where);
    }
  }

  /**
   * The error when the server asks to wait longer than {@link Backoff#MAX_SERVER_WAIT} before the
   * next attempt: waiting that long inside a download would look like a hang.
   */
  public static DownloadException forLongWait(int status, URI uri, Duration wait) {
    DownloadException plain = forStatus(status, uri);
    return new DownloadException(plain.kind(), uri.getHost() + " asked to wait " + human(wait)
        + " before trying again (HTTP " + status + ") for " + Secret.redact(uri.toString())
        + "; run the same request again after that, it resumes where it stopped");
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + " s" : s < 2 * 3600 ? d.toMinutes() + " min" : d.toHours() + " h";
  }

  /** The error when the address policy refused a connection for {@code uri}: not retried. */
  public static DownloadException refused(AddressPolicy.Refused e, URI uri) {
    return new DownloadException(Kind.INVALID_REQUEST, e.getMessage() + " (for " + Secret.redact(uri.toString()) + ")", e);
  }

  /** The error after a network failure that retries could not overcome. */
  public static DownloadException forIo(IOException e, URI uri, int attempts) {
    if (e instanceof AddressPolicy.Refused) {
      return refused((AddressPolicy.Refused) e, uri);
    }
    String where = Secret.redact(uri.toString());
    String what = describe(e);
    String tries = attempts > 1 ? " (" + attempts + " attempts)" : "";
    if (e instanceof SSLHandshakeException) {
      return new DownloadException(Kind.NETWORK, "TLS handshake with " + uri.getHost() + " failed" + tries + ": " + what
          + "; if a proxy or private mirror uses its own CA, pass it with --ca-file / trustCertificates", e);
    }
    return new DownloadException(Kind.NETWORK, "network error for " + where + tries + ": " + what
        + "; check your connection and run the same command again to resume", e);
  }

  /** A short, secret-free description of an I/O failure. */
  public static String describe(IOException e) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof ConnectException) {
      return "connection refused or unreachable";
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
    if (e instanceof EOFException) {
      return "connection closed early (" + Secret.redact(e.getMessage()) + ")";
    }
    if (e instanceof ClosedChannelException) {
      return "connection closed";
    }
    if (e instanceof SSLException) {
      return "TLS error: " + Secret.redact(e.getMessage());
    }
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + Secret.redact(msg));
  }

  /** Whether an I/O failure while writing means the disk is full. */
  public static boolean isDiskFull(IOException e) {
    String msg = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    return msg.contains("no space left") || msg.contains("disk quota") || msg.contains("not enough space")
        || msg.contains("disk full");
  }
}
