package io.modelfetch.internal.http;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a connection goes: scheme, host and port of the origin, and the proxy in between.
 * Connections are pooled per route.
 */
record Route(boolean tls, String host, int port, Proxy proxy) {

  static Route of(URI uri, Proxy proxy) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = scheme.equals("https");
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // an IPv6 literal: brackets belong to URLs and Host headers only
    }
    return new Route(tls, host.toLowerCase(Locale.ROOT), port, proxy == null ? Proxy.NO_PROXY : proxy);
  }

  boolean viaHttpProxy() {
    return proxy.type() == Proxy.Type.HTTP;
  }

  /** The Host header value: the port only when it is not the scheme's default. */
  String hostHeader() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls && port == 443) || (!tls && port == 80) ? h : h + ":" + port;
  }

  String authority() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  // written out: a record's generated equals/hashCode bootstrap method handles on first use, ~10 ms
  // of a command line's start-up, and routes are the connection pool's keys
  @Override
  public boolean equals(Object o) {
    return o instanceof Route r && tls == r.tls && port == r.port && host.equals(r.host) && proxy.equals(r.proxy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tls, host, port, proxy);
  }

  InetSocketAddress proxyAddress() {
    InetSocketAddress a = (InetSocketAddress) proxy.address();
    return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
  }
}
