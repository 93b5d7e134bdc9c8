package io.modelfetch.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request the {@link FakeOrigin} received.
 *
 * @param host the origin's host name as the request's {@code Host} header named it
 * @param method the request method
 * @param target the request target (path and query)
 * @param headers header fields, names in lower case
 * @param connection a number identifying the TCP connection it came on
 * @param receivedNanos {@link System#nanoTime()} when its head was read, to measure the gaps between requests
 */
public record RecordedRequest(String host, String method, String target, Map<String, List<String>> headers,
    int connection, long receivedNanos) {

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The first and last byte of its {@code Range: bytes=first-last} header; empty when it has none
   * (or an open-ended one, whose last byte is returned as -1).
   */
  public Optional<long[]> range() {
    return header("range").map(String::strip).filter(v -> v.matches("bytes=\\d+-\\d*")).map(v -> {
      String[] parts = v.substring("bytes=".length()).split("-", -1);
      return new long[] {Long.parseLong(parts[0]), parts[1].isEmpty() ? -1 : Long.parseLong(parts[1])};
    });
  }

  /** The path without the query. */
  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }
}
