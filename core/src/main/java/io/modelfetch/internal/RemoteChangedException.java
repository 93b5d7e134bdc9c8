package io.modelfetch.internal;

import io.modelfetch.DownloadException;

/**
 * The file on the server is no longer the one the partial file holds (a new ETag, a 200 to a
 * ranged request, a different size): the partial file is discarded and the transfer starts over.
 */
public final class RemoteChangedException extends DownloadException {
  private static final long serialVersionUID = 1L;

  public RemoteChangedException(String message) {
    super(Kind.UNEXPECTED_RESPONSE, message);
  }
}
