package io.modelfetch.internal;

import io.modelfetch.DownloadException;

/**
 * The file on the server is no longer the one the partial file holds (a new ETag, a 200 to a
 * ranged request, a different size): the partial file is discarded and the transfer starts over.
 */
public final class RemoteChangedException extends DownloadException {
  private static final long serialVersionUID = 1L;
  private final boolean wholeFileAnswer;

  public RemoteChangedException(String message) {
    this(message, false);
  }

  /**
   * @param wholeFileAnswer whether a ranged request was answered with the whole file (200): either
   *     the file changed (its If-Range no longer matched) or the server ignores ranges
   */
  public RemoteChangedException(String message, boolean wholeFileAnswer) {
    super(Kind.UNEXPECTED_RESPONSE, message);
    this.wholeFileAnswer = wholeFileAnswer;
  }

  public boolean wholeFileAnswer() {
    return wholeFileAnswer;
  }
}
