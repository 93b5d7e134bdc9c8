package io.modelfetch.internal.http;

import io.modelfetch.AddressPolicy;
import io.modelfetch.Secret;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The data-path HTTP/1.1 client: GET requests on pooled blocking sockets, sharing the
 * {@code SSLContext} and {@link ProxySelector} of the control-plane client.
 *
 * <p>Why not {@code java.net.http}: measured on the project's machine it moved 1 GiB over 16
 * connections 2x slower than aria2c (3x over TLS) with 300-700 MB of RSS, because every
 * connection's bytes pass through one selector thread in 16 KiB heap buffers. A blocking socket
 * per connection reading into a reused direct buffer, written with positional writes, was faster
 * than curl at ~50 MB. See {@code research/perf-calibration.md}.
 */
public final class DataClient implements AutoCloseable {
  /** Redirects followed before giving up, as browsers and curl do. */
  public static final int MAX_REDIRECTS = 10;

  private final Supplier<SSLContext> tls;
  private final ProxySelector proxySelector;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final String userAgent;
  private final AddressPolicy addressPolicy;
  private final ConnectionPool pool = new ConnectionPool();
  /** Connections with a request in flight, watched for silence longer than the idle timeout. */
  private final Set<HttpConnection> busy = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "modelfetch-read-timeout");
    t.setDaemon(true);
    return t;
  });

  public DataClient(Supplier<SSLContext> tls, ProxySelector proxySelector, Duration connectTimeout,
      Duration idleTimeout, String userAgent) {
    this(tls, proxySelector, connectTimeout, idleTimeout, userAgent, AddressPolicy.allowAll());
  }

  /** With an {@link AddressPolicy} checked on every new connection, after DNS resolution. */
  public DataClient(Supplier<SSLContext> tls, ProxySelector proxySelector, Duration connectTimeout,
      Duration idleTimeout, String userAgent, AddressPolicy addressPolicy) {
    this.addressPolicy = addressPolicy;
    this.tls = tls;
    this.proxySelector = proxySelector;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.userAgent = userAgent;
    long period = Math.max(50, Math.min(1000, idleTimeout.toMillis() / 4));
    watchdog.scheduleAtFixedRate(this::timeOutSilentConnections, period, period, TimeUnit.MILLISECONDS);
  }

  private void timeOutSilentConnections() {
    long limit = idleTimeout.toNanos();
    for (HttpConnection c : busy) {
      if (c.isClosed()) {
        busy.remove(c);
      } else if (c.idleNanos() > limit) {
        busy.remove(c);
        c.timeOut();
      }
    }
  }

  /**
   * Sends one GET (no redirects followed) and returns the response with its body unread.
   *
   * @param headers extra request headers (Range, If-Range, credentials already scoped to this URI)
   */
  public Response get(URI uri, Map<String, String> headers) throws IOException {
    Route route = Route.of(uri, proxyFor(uri));
    byte[] request = requestBytes(uri, route, headers);
    HttpConnection pooled = pool.acquire(route);
    if (pooled != null) {
      try {
        return exchange(pooled, uri, request);
      } catch (NoResponseException | ProtocolException e) {
        // the server closed the idle connection just before we used it, or left bytes on it past the
        // end of the previous response (a body longer than announced): the connection is at fault,
        // not this request, so a fresh one is not a retry
        pooled.close();
      } catch (IOException | RuntimeException e) {
        pooled.close();
        throw e;
      }
    }
    HttpConnection fresh = HttpConnection.open(route, tls, connectTimeout, idleTimeout, addressPolicy);
    try {
      return exchange(fresh, uri, request);
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
  }

  /**
   * GETs {@code start} and follows redirects (301, 302, 303, 307, 308) up to {@link #MAX_REDIRECTS}.
   * Headers are computed per hop by {@code headersFor}, so credentials scoped to one host never
   * reach another; {@code common} headers (Range) go on every hop. The response's
   * {@link Response#uri()} is the final URL.
   */
  public Response follow(URI start, Function<URI, Map<String, String>> headersFor, Map<String, String> common)
      throws IOException {
    URI uri = start;
    for (int hop = 0; ; hop++) {
      Map<String, String> headers = new LinkedHashMap<>(common);
      headers.putAll(headersFor.apply(uri));
      Response response = get(uri, headers);
      int status = response.status();
      boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      if (!redirect) {
        return response;
      }
      String location = response.header("Location").orElse(null);
      response.discard(64 * 1024);
      if (location == null || location.isBlank()) {
        throw new ProtocolException("HTTP " + status + " redirect without a Location from " + Secret.redact(uri.toString()));
      }
      if (hop >= MAX_REDIRECTS) {
        throw new ProtocolException("more than " + MAX_REDIRECTS + " redirects starting at " + Secret.redact(start.toString()));
      }
      uri = resolveLocation(uri, location);
    }
  }

  static URI resolveLocation(URI base, String location) throws ProtocolException {
    try {
      URI next = base.resolve(new URI(escapeLocation(location)));
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
        throw new ProtocolException("redirect to a non-http(s) location: " + Secret.redact(location));
      }
      return next;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new ProtocolException("malformed redirect Location: " + Secret.redact(location));
    }
  }

  /** Servers send raw spaces and non-ASCII in Location; percent-encode them as browsers do. */
  private static String escapeLocation(String location) {
    StringBuilder sb = new StringBuilder();
    for (byte b : location.strip().getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
          || c == '{' || c == '|' || c == '}') {
        sb.append('%').append(String.format("%02X", c));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private Response exchange(HttpConnection connection, URI uri, byte[] request) throws IOException {
    connection.markRequestSent();
    busy.add(connection);
    try {
      connection.write(request);
      ResponseHead head = connection.readHead();
      return new Response(connection, this::release, head, uri, false);
    } catch (IOException | RuntimeException e) {
      busy.remove(connection);
      throw e;
    }
  }

  /** A response is done with its connection: pooled for reuse, or closed. */
  private void release(HttpConnection connection, boolean reusable) {
    busy.remove(connection);
    if (reusable) {
      pool.release(connection);
    } else {
      connection.close();
    }
  }

  private Proxy proxyFor(URI uri) {
    if (proxySelector == null) {
      return Proxy.NO_PROXY;
    }
    List<Proxy> proxies = proxySelector.select(uri);
    return proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
  }

  private byte[] requestBytes(URI uri, Route route, Map<String, String> headers) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    if (route.viaHttpProxy() && !route.tls()) {
      target = "http://" + route.hostHeader() + target;
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append("GET ").append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(route.hostHeader()).append("\r\n");
    sb.append("User-Agent: ").append(userAgent).append("\r\n");
    sb.append("Accept: */*\r\n");
    sb.append("Accept-Encoding: identity\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      checkHeader(h.getKey(), h.getValue());
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void checkHeader(String name, String value) {
    if (name.isEmpty() || name.chars().anyMatch(c -> c <= 32 || c >= 127 || c == ':')
        || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
      throw new IllegalArgumentException("header " + name + " has characters that are not allowed in HTTP/1.1");
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    pool.close();
  }
}
