package io.modelfetch.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

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
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final int MAX_HEAD = 64 * 1024;

  private final ServerSocket server;
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
  private final Map<Resource, Integer> firstConnection = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final Map<String, AtomicLong> bodyBytesByPath = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Answers a request; return a {@link Reply}. */
  @FunctionalInterface
  public interface Handler {
    Reply handle(RecordedRequest request) throws IOException;
  }

  /** A complete response for {@link #handle}. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public Reply {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static Reply of(int status, String contentType, String body) {
      return new Reply(status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private FakeOrigin(ServerSocket server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    threads.execute(this::acceptLoop);
  }

  /** Starts on 127.0.0.1 on a free port. */
  public static FakeOrigin start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    return new FakeOrigin(s, "http");
  }

  /** Starts an https origin on 127.0.0.1 whose certificate comes from {@code tls} (see {@link TestCertificates}). */
  public static FakeOrigin startTls(SSLContext tls) throws IOException {
    ServerSocket s = tls.getServerSocketFactory().createServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    return new FakeOrigin(s, "https");
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

  /** TCP connections accepted so far. */
  public int connectionsAccepted() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        open.add(s);
        int id = connections.incrementAndGet();
        threads.execute(() -> serve(s, id));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket socket, int connection) {
    try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream()) {
      while (!closed) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        RecordedRequest request = parse(head, connection, System.nanoTime());
        requests.add(request);
        if (!respond(request, out, connection)) {
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
      return serveResource(resource, request, out, connection);
    }
    Handler handler = routes.get(request.path());
    Reply reply = handler == null
        ? Reply.of(404, "text/plain", "not found: " + request.path())
        : handler.handle(request);
    writeReply(out, reply, request);
    return true;
  }

  private void writeReply(OutputStream out, Reply reply, RecordedRequest request) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ').append(reason(reply.status()))
        .append("\r\n");
    reply.headers().forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    if (!reply.headers().containsKey("Content-Length")) {
      sb.append("Content-Length: ").append(reply.body().length).append("\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!request.method().equals("HEAD")) {
      out.write(reply.body());
      served(request, reply.body().length);
    }
    out.flush();
  }

  private boolean serveResource(Resource r, RecordedRequest request, OutputStream out, int connection)
      throws IOException {
    if (r.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      Map<String, String> h = new LinkedHashMap<>();
      synchronized (r.failureHeaders) {
        h.putAll(r.failureHeaders);
      }
      h.put("Content-Type", "text/plain");
      writeReply(out, new Reply(r.failureStatus, h, ("failure " + r.failureStatus).getBytes(StandardCharsets.UTF_8)),
          request);
      return true;
    }
    byte[] body = r.body;
    long size = body.length;
    String range = request.header("range").orElse(null);
    String ifRange = request.header("if-range").orElse(null);
    boolean ifRangeOk = ifRange == null || ifRange.equals(r.etag) || ifRange.equals(r.lastModified);
    Matcher m = range == null ? null : RANGE.matcher(range.strip());
    boolean ranged = m != null && m.matches() && !r.ignoreRanges && ifRangeOk;
    boolean probe = range != null && range.strip().equals("bytes=0-0");
    if (ranged && !probe && r.rangeFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      Map<String, String> h = new LinkedHashMap<>();
      synchronized (r.rangeFailureHeaders) {
        h.putAll(r.rangeFailureHeaders);
      }
      h.put("Content-Type", "text/plain");
      writeReply(out, new Reply(r.rangeFailureStatus, h, "range failure".getBytes(StandardCharsets.UTF_8)), request);
      return true;
    }
    if (ranged && !probe && r.ignoreRangesAfterProbe) {
      ranged = false;
    }
    StringBuilder sb = new StringBuilder();
    long first = 0;
    long last = size - 1;
    if (ranged) {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      if (first >= size || first > last) {
        sb.append("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */").append(size)
            .append("\r\nContent-Length: 0\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return true;
      }
      long sentFirst = first;
      long sentLast = last;
      if (!probe && r.wrongRangesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        sentFirst = Math.min(r.wrongRange.first(), size - 1);
        sentLast = Math.min(r.wrongRange.last(), size - 1);
      }
      sb.append("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes ").append(sentFirst).append('-')
          .append(sentLast).append('/').append(size).append("\r\n");
      first = sentFirst;
      last = sentLast;
    } else {
      sb.append("HTTP/1.1 200 OK\r\n");
    }
    long length = last - first + 1;
    if (ranged && !probe && (r.extraBytes < 0 || size - first > length) && r.extraBytesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      length = Math.max(0, Math.min(size - first, length + r.extraBytes));
    }
    long trailing = ranged && !probe && r.trailingLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? r.trailingBytes : 0;
    boolean chunked = !ranged && r.chunked;
    boolean untilClose = !ranged && r.noLength && !chunked;
    sb.append("Accept-Ranges: ").append(r.ignoreRanges ? "none" : "bytes").append("\r\n");
    sb.append("Content-Type: ").append(r.contentType).append("\r\n");
    if (r.etag != null) {
      sb.append("ETag: ").append(r.etag).append("\r\n");
    }
    if (r.lastModified != null) {
      sb.append("Last-Modified: ").append(r.lastModified).append("\r\n");
    }
    if (r.contentDisposition != null) {
      sb.append("Content-Disposition: ").append(r.contentDisposition).append("\r\n");
    }
    synchronized (r.extraHeaders) {
      for (String[] h : r.extraHeaders) {
        sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
    }
    if (chunked) {
      sb.append("Transfer-Encoding: chunked\r\n");
    } else if (untilClose) {
      sb.append("Connection: close\r\n");
    } else {
      sb.append("Content-Length: ").append(length).append("\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (request.method().equals("HEAD")) {
      out.flush();
      return true;
    }
    long rate = r.throttle;
    if (r.firstConnectionThrottle > 0) {
      int slow = firstConnection.computeIfAbsent(r, k -> connection);
      if (slow == connection) {
        rate = r.firstConnectionThrottle;
      }
    }
    long cutAt = !probe && r.disconnectAfter >= 0 && r.disconnectsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0
        ? r.disconnectAfter : -1;
    long stallAt = !probe && r.stallAfter >= 0 && r.stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0
        ? r.stallAfter : -1;
    if (!sendBody(out, request, body, first, length, rate, cutAt, stallAt, chunked)) {
      return false;
    }
    if (trailing > 0) {
      // bytes past the announced end: a client that reads them as body would write past its range
      out.write(new byte[(int) trailing]);
      out.flush();
      served(request, trailing);
    }
    return !untilClose;
  }

  private void served(RecordedRequest request, long bytes) {
    bodyBytes.addAndGet(bytes);
    bodyBytesByPath.computeIfAbsent(request.path(), p -> new AtomicLong()).addAndGet(bytes);
  }

  /** Sends {@code length} bytes from {@code first}; returns false when it cut the connection. */
  private boolean sendBody(OutputStream out, RecordedRequest request, byte[] body, long first, long length, long rate,
      long cutAt, long stallAt, boolean chunked) throws IOException {
    int chunk = rate > 0 ? (int) Math.max(1024, Math.min(16 * 1024, rate / 20)) : 64 * 1024;
    long sent = 0;
    long start = System.nanoTime();
    while (sent < length) {
      int n = (int) Math.min(chunk, length - sent);
      if (cutAt >= 0 && sent + n > cutAt) {
        n = (int) (cutAt - sent);
      }
      if (stallAt >= 0 && sent + n > stallAt) {
        n = (int) (stallAt - sent);
      }
      if (n > 0) {
        if (chunked) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        int from = (int) Math.min(body.length, first + sent);
        int count = (int) Math.min(n, body.length - from);
        out.write(body, from, count);
        if (count < n) {
          out.write(new byte[n - count]);
        }
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        sent += n;
        served(request, n);
      }
      if (cutAt >= 0 && sent >= cutAt) {
        out.flush();
        return false;
      }
      if (stallAt >= 0 && sent >= stallAt) {
        out.flush();
        while (!closed) {
          sleep(50);
        }
        return false;
      }
      if (rate > 0) {
        long due = start + sent * 1_000_000_000L / rate;
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
          out.flush();
          sleep(ahead / 1_000_000L);
        }
      }
    }
    if (chunked) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.flush();
    return true;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0;
    while (true) {
      int b;
      try {
        b = in.read();
      } catch (SocketException e) {
        return null;
      }
      if (b < 0) {
        return null;
      }
      buf.write(b);
      if (buf.size() > MAX_HEAD) {
        throw new IOException("request head too large");
      }
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : (b == '\r' ? 1 : 0);
      if (state == 4) {
        return buf.toString(StandardCharsets.ISO_8859_1);
      }
    }
  }

  private static RecordedRequest parse(String head, int connection, long receivedNanos) {
    String[] lines = head.split("\r\n");
    String[] first = lines[0].split(" ");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
    }
    String host = headers.getOrDefault("host", List.of("")).get(0);
    int colon = host.lastIndexOf(':');
    String hostName = colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
    return new RecordedRequest(hostName, first[0], first.length > 1 ? first[1] : "/", headers, connection,
        receivedNanos);
  }

  private static String reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 206: return "Partial Content";
      case 301: return "Moved Permanently";
      case 302: return "Found";
      case 307: return "Temporary Redirect";
      case 308: return "Permanent Redirect";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 410: return "Gone";
      case 416: return "Range Not Satisfiable";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      default: return "Status";
    }
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
