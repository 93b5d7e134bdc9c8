package io.modelfetch.internal.http;

import java.io.IOException;

/** The server broke HTTP/1.1 framing (malformed head, oversized fields, bad chunk size). */
public class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
