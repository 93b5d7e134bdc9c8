package io.modelfetch.spi;

import io.modelfetch.Secret;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A request header (usually {@code Authorization}) that may be sent only to certain hosts.
 *
 * <p>The engine sends it on a request only when that request's host is one of {@link #hosts()}
 * (compared case-insensitively, port ignored). A redirect to any other host, such as a CDN's
 * presigned URL, goes out without it.
 *
 * @param name the header name
 * @param value the header value, kept as a {@link Secret}
 * @param hosts the host names that may see it
 */
public record ScopedHeader(String name, Secret value, Set<String> hosts) {

  public ScopedHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a scoped header needs at least one host");
    }
    hosts = Set.copyOf(hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
  }

  /** {@code Authorization: Bearer <token>} for the given hosts. */
  public static ScopedHeader bearer(Secret token, String... hosts) {
    return new ScopedHeader("Authorization", Secret.of("Bearer " + token.reveal()), Set.of(hosts));
  }

  /** Whether this header may be sent to {@code uri}. */
  public boolean appliesTo(URI uri) {
    String host = uri.getHost();
    return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return name + ": *** (for " + hosts + ")";
  }
}
