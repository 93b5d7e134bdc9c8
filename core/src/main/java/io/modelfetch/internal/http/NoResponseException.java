package io.modelfetch.internal.http;

import java.io.IOException;

/** The connection closed before a single byte of the response; on a reused connection, safe to retry at once. */
final class NoResponseException extends IOException {
  private static final long serialVersionUID = 1L;

  NoResponseException(String message) {
    super(message);
  }
}
