package io.modelfetch.internal;

import io.modelfetch.spi.ScopedHeader;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides which of a file's credentials go on a request: only headers scoped to that request's
 * host, and none at all over plain http when the file was first requested over https (a redirect
 * that downgrades the scheme must not carry a token in clear text).
 */
final class ScopedHeaders {
  private final List<ScopedHeader> headers;
  private final boolean startedSecure;

  ScopedHeaders(List<ScopedHeader> headers, URI start) {
    this.headers = List.copyOf(headers);
    this.startedSecure = "https".equalsIgnoreCase(start.getScheme());
  }

  Map<String, String> forUri(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    boolean downgraded = startedSecure && !"https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
    if (downgraded) {
      return out;
    }
    for (ScopedHeader h : headers) {
      if (h.appliesTo(uri)) {
        out.put(h.name(), h.value().reveal());
      }
    }
    return out;
  }
}
