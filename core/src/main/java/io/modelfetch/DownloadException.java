package io.modelfetch;

/**
 * The one checked exception of modelfetch: what went wrong, and what to do about it.
 *
 * <p>The {@link #kind()} tells a program how to react (ask for a token, wait, pick another folder);
 * the message tells a person, and names the environment variable, web page or option that fixes
 * it. No message contains a secret: URLs in messages are passed through {@link Secret#redact}.
 */
public class DownloadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is. */
  public enum Kind {
    /** The file, model, version or repository does not exist (HTTP 404/410, unknown id). */
    NOT_FOUND,
    /** The source needs a token and none (or an invalid one) was sent (HTTP 401, login page). */
    AUTHENTICATION_REQUIRED,
    /** The token is valid but not allowed to read this (HTTP 403, gated, early access). */
    ACCESS_DENIED,
    /** The server asked us to slow down and retries did not get through (HTTP 429). */
    RATE_LIMITED,
    /** A download quota of the source is used up (e.g. Google Drive's daily quota). */
    QUOTA_EXCEEDED,
    /** The bytes arrived but are not the published file (SHA-256 or size differs). */
    CHECKSUM_MISMATCH,
    /** The target folder's file system has less free space than the file needs. */
    INSUFFICIENT_SPACE,
    /** A different file already exists at the target and overwriting was not asked for. */
    FILE_EXISTS,
    /** The download was cancelled by the caller. */
    CANCELLED,
    /** The network failed (connection refused/reset, timeouts, 5xx) and retries ran out. */
    NETWORK,
    /** The server answered with something that is not the file (an HTML page, a JSON error, a bad range). */
    UNEXPECTED_RESPONSE,
    /** No resolver accepts the URL, or the URL has a form the source does not support. */
    UNSUPPORTED_SOURCE,
    /** The request itself is invalid (bad option, unparseable URL). */
    INVALID_REQUEST,
    /** Reading or writing a local file failed (permissions, I/O error). */
    LOCAL_IO
  }

  private final Kind kind;

  /** A failure of this kind; the message says what happened and what to do, and holds no secret. */
  public DownloadException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /** A failure of this kind with the exception that caused it. */
  public DownloadException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What went wrong, for programs that react to it (ask for a token, free space, wait). */
  public Kind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return "DownloadException[" + kind + "]: " + getMessage();
  }
}
