package io.modelfetch.internal.http;

import java.io.IOException;

/** An HTTP proxy refused to open a tunnel. */
final class ProxyException extends IOException {
  private static final long serialVersionUID = 1L;

  ProxyException(String message) {
    super(message);
  }
}
