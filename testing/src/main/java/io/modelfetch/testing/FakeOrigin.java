package io.modelfetch.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A real HTTP/1.1 server on loopback that serves files the way CDNs and model hubs do (ranges,
 * ETags, keep-alive) and fails the ways they fail (throttled or stalled connections, resets
 * mid-body, 503s with Retry-After, servers that ignore Range, wrong Content-Range, redirects to
 * other hosts). It records every request so tests can assert what reached which host.
 *
 * <pre>{@code
 * try (FakeOrigin origin = FakeOrigin.start()) {
 *   origin.file("/model.bin", bytes).etag("\"v1\"").throttle(1 << 20);
 *   downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir));
 *   assertThat(origin.requests()).allMatch(r -> r.header("Authorization").isEmpty());
 * }
 * }</pre>
 */
public final class FakeOrigin implements AutoCloseable {
  private final ServerSocket server;
  private final SSLContext tls;
  private final String[] protocols;
  private final String scheme;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-origin");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  /** Per TLS connection, the host name the client asked for (SNI), or "" when it sent none. */
  private final List<String> serverNames = new CopyOnWriteArrayList<>();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final Map<String, AtomicLong> bodyBytesByPath = new ConcurrentHashMap<>();
  private final ResourceResponder responder = new ResourceResponder(this::served, () -> this.closed);
  private volatile boolean closed;

  /** Answers a request; return a {@link Reply}. */
  @FunctionalInterface
  public interface Handler {
    Reply handle(RecordedRequest request) throws IOException;
  }

  /**
   * A complete response for {@link #handle}. A {@code Content-Length} is added unless the headers
   * name one or a {@code Transfer-Encoding} (then the body must already be encoded in it).
   */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public Reply {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static Reply of(int status, String contentType, String body) {
      return new Reply(status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private FakeOrigin(ServerSocket server, String scheme, SSLContext tls, String[] protocols) {
    this.server = server;
    this.scheme = scheme;
    this.tls = tls;
    this.protocols = protocols;
    threads.execute(this::acceptLoop);
  }

  /** Starts on 127.0.0.1 on a free port. */
  public static FakeOrigin start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    return new FakeOrigin(s, "http", null, new String[0]);
  }

  /**
   * Starts an https origin on 127.0.0.1 whose certificate comes from {@code tls} (see
   * {@link TestCertificates}), speaking only {@code protocols} when given ({@code "TLSv1.3"}).
   */
  public static FakeOrigin startTls(SSLContext tls, String... protocols) throws IOException {
    // TLS layered over each accepted socket, so a cut connection can drop the TCP connection
    // without a close_notify, as a broken network does
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    return new FakeOrigin(s, "https", tls, protocols.clone());
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:PORT/path} ({@code https://localhost:PORT/path} for a TLS origin, matching its certificate). */
  public String url(String path) {
    return scheme.equals("https") ? "https://localhost:" + port() + path : "http://127.0.0.1:" + port() + path;
  }

  /** The same server under another host name ({@code localhost}): a different host as far as credentials go. */
  public String urlOnOtherHost(String path) {
    return scheme + "://localhost:" + port() + path;
  }

  public URI uri(String path) {
    return URI.create(url(path));
  }

  /** Serves {@code body} at {@code path} with ranges, and returns its configuration. */
  public Resource file(String path, byte[] body) {
    Resource r = new Resource(body);
    resources.put(path, r);
    return r;
  }

  /** Redirects {@code path} to {@code location} with {@code status} (301, 302, 307...). */
  public void redirect(String path, String location, int status) {
    routes.put(path, req -> new Reply(status, Map.of("Location", location), new byte[0]));
  }

  /** Answers {@code path} with a fixed response, for error pages and login pages. */
  public void page(String path, int status, String contentType, String body) {
    routes.put(path, req -> Reply.of(status, contentType, body));
  }

  /** Answers {@code path} with a handler of your own. */
  public void handle(String path, Handler handler) {
    routes.put(path, handler);
  }

  /** Every request received so far, in order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** Requests for one path. */
  public List<RecordedRequest> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Body bytes written to sockets so far, over all responses. */
  public long bodyBytesServed() {
    return bodyBytes.get();
  }

  /** Body bytes written to sockets so far for one path (any query), over all its responses. */
  public long bodyBytesServed(String path) {
    AtomicLong n = bodyBytesByPath.get(path);
    return n == null ? 0 : n.get();
  }

  /** TCP connections open right now (the client's idle keep-alive connections included). */
  public int openConnections() {
    return open.size();
  }

  /**
   * For each TLS connection that sent a request, the host name it asked for in the handshake
   * (Server Name Indication), or {@code ""} when it sent none: CDNs that host many names need it.
   */
  public List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  private static String requestedServerName(SSLSocket ssl) {
    if (ssl.getSession() instanceof ExtendedSSLSession session) {
      for (SNIServerName name : session.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return "";
  }

  /** TCP connections accepted so far. */
  public int connectionsAccepted() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket raw = server.accept();
        raw.setTcpNoDelay(true);
        Socket s = tls == null ? raw : overTls(raw);
        open.add(s);
        int id = connections.incrementAndGet();
        threads.execute(() -> serve(s, raw, id));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private SSLSocket overTls(Socket raw) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, true);
    if (protocols.length > 0) {
      ssl.setEnabledProtocols(protocols);
    }
    return ssl;
  }

  /** Serves one connection; {@code raw} is its TCP socket (the same as {@code socket} without TLS). */
  private void serve(Socket socket, Socket raw, int connection) {
    try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream()) {
      boolean named = false;
      while (!closed) {
        String head = HttpWire.readHead(in);
        if (head == null) {
          return;
        }
        if (!named && socket instanceof SSLSocket ssl) {
          serverNames.add(requestedServerName(ssl));
          named = true;
        }
        RecordedRequest request = HttpWire.parse(head, connection, System.nanoTime());
        requests.add(request);
        try {
          if (!respond(request, out, connection)) {
            return;
          }
        } catch (ResourceResponder.Cut cut) {
          raw.close(); // the TCP connection drops: over TLS, no close_notify
          return;
        }
        if (request.header("connection").map(v -> v.equalsIgnoreCase("close")).orElse(false)) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away; nothing to do
    } finally {
      open.remove(socket);
    }
  }

  /** Writes the response; returns false when the connection must end. */
  private boolean respond(RecordedRequest request, OutputStream out, int connection) throws IOException {
    Resource resource = resources.get(request.path());
    if (resource != null) {
      return responder.respond(resource, request, out, connection);
    }
    Handler handler = routes.get(request.path());
    Reply reply = handler == null
        ? Reply.of(404, "text/plain", "not found: " + request.path())
        : handler.handle(request);
    HttpWire.writeReply(out, reply, request, this::served);
    return true;
  }

  private void served(RecordedRequest request, long bytes) {
    bodyBytes.addAndGet(bytes);
    bodyBytesByPath.computeIfAbsent(request.path(), p -> new AtomicLong()).addAndGet(bytes);
  }

  /** Stops the server and closes every connection (stalled ones too). */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    threads.shutdownNow();
  }
}
