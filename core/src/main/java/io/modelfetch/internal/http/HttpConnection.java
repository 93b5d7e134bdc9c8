package io.modelfetch.internal.http;

import io.modelfetch.AddressPolicy;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection on a blocking JDK socket. Plain {@code http} runs on a
 * {@link SocketChannel}, so bodies are read straight into the caller's direct buffer and written
 * to the file without a copy through the heap; direct {@code https} runs on a {@link TlsChannel}
 * (an {@code SSLEngine} from the shared {@code SSLContext} over a socket channel, the same
 * direct-buffer path); {@code https} through a proxy on an {@link SSLSocket} over the tunnel.
 * The server's host name is verified either way. HTTP/1.1 only: each connection is its own
 * TCP stream with its own congestion window, which is the point of splitting a download (HTTP/2
 * would multiplex every segment onto one).
 *
 * <p>Not thread-safe: one worker uses a connection at a time; only {@link #close()} and
 * {@link #idleNanos} may be called from another thread (the stall watchdog).
 */
final class HttpConnection implements Closeable {
  static final int MAX_HEAD_BYTES = 64 * 1024;
  static final int MAX_HEADER_FIELDS = 256;
  private static final int HEAD_BUFFER = 16 * 1024;

  private final Route route;
  /** The plain socket channel, or TLS over one; null when the connection runs on a socket's streams. */
  private final ByteChannel channel;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  /** Bytes read from the wire but not consumed yet (the rest of a head, chunk framing, the start of a body). */
  private ByteBuffer buffer = ByteBuffer.allocate(HEAD_BUFFER).flip();
  private volatile long lastReadNanos = System.nanoTime();
  private volatile boolean closed;
  private volatile boolean timedOut;
  private long idleSince;

  private HttpConnection(Route route, ByteChannel channel, Socket socket) throws IOException {
    this.route = route;
    this.channel = channel;
    this.socket = socket;
    this.in = channel == null ? socket.getInputStream() : null;
    this.out = channel == null ? socket.getOutputStream() : null;
  }

  static HttpConnection open(Route route, Supplier<SSLContext> tls, Duration connectTimeout, Duration idleTimeout,
      AddressPolicy policy) throws IOException {
    // resolved and checked once: a direct connection goes to exactly the address the policy allowed,
    // so a second DNS answer (rebinding) cannot slip in; through a proxy, the target is checked by name
    InetSocketAddress direct = route.proxy().type() == Proxy.Type.DIRECT
        ? policy.socketAddress(route.host(), route.port()) : null;
    if (direct == null && !policy.allowsAll()) {
      policy.resolve(route.host());
    }
    int connectMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    int idleMillis = (int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis());
    Proxy.Type proxyType = route.proxy().type();
    if (!route.tls() && proxyType != Proxy.Type.SOCKS) {
      SocketChannel channel = SocketChannel.open();
      try {
        InetSocketAddress target = proxyType == Proxy.Type.HTTP
            ? route.proxyAddress() : direct;
        channel.socket().connect(target, connectMillis);
        channel.socket().setTcpNoDelay(true);
        channel.socket().setKeepAlive(true);
        return new HttpConnection(route, channel, channel.socket());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    if (route.tls() && proxyType == Proxy.Type.DIRECT) {
      // TLS through an SSLEngine over a socket channel, direct buffers from the socket to the file
      // (see TlsChannel)
      SocketChannel channel = SocketChannel.open();
      try {
        channel.socket().connect(direct, connectMillis);
        channel.socket().setTcpNoDelay(true);
        channel.socket().setKeepAlive(true);
        SSLEngine engine = tls.get().createSSLEngine(route.host(), route.port());
        engine.setUseClientMode(true);
        engine.setSSLParameters(httpsParameters(parameters(engine)));
        channel.socket().setSoTimeout(connectMillis);
        TlsChannel tlsChannel = TlsChannel.handshake(channel, engine, channel.socket().getInputStream());
        return new HttpConnection(route, tlsChannel, channel.socket());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    Socket raw = proxyType == Proxy.Type.SOCKS ? new Socket(route.proxy()) : new Socket();
    try {
      InetSocketAddress target;
      if (proxyType == Proxy.Type.HTTP) {
        target = route.proxyAddress();
      } else if (proxyType == Proxy.Type.SOCKS) {
        target = InetSocketAddress.createUnresolved(route.host(), route.port());
      } else {
        target = direct;
      }
      raw.connect(target, connectMillis);
      raw.setTcpNoDelay(true);
      raw.setKeepAlive(true);
      raw.setSoTimeout(connectMillis);
      if (!route.tls()) {
        raw.setSoTimeout(idleMillis);
        return new HttpConnection(route, null, raw);
      }
      if (proxyType == Proxy.Type.HTTP) {
        tunnel(raw, route);
      }
      return handshake((SSLSocket) tls.get().getSocketFactory().createSocket(raw, route.host(), route.port(), true),
          route, connectMillis, idleMillis);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** HTTP/1.1 over TLS with the server's host name verified. */
  private static HttpConnection handshake(SSLSocket ssl, Route route, int connectMillis, int idleMillis)
      throws IOException {
    ssl.setSSLParameters(httpsParameters(parameters(ssl)));
    ssl.setSoTimeout(connectMillis);
    ssl.startHandshake();
    ssl.setSoTimeout(idleMillis);
    return new HttpConnection(route, null, ssl);
  }

  /** The server's host name verified as HTTPS does it; HTTP/1.1 offered through ALPN. */
  private static SSLParameters httpsParameters(SSLParameters params) {
    params.setEndpointIdentificationAlgorithm("HTTPS");
    params.setApplicationProtocols(new String[] {"http/1.1"});
    return params;
  }

  /**
   * The socket's TLS parameters. Conscrypt cannot report them for an IPv6-literal host (it tries
   * to make an SNI name of it); empty parameters leave its protocols and cipher suites as they are.
   */
  private static SSLParameters parameters(SSLSocket ssl) {
    try {
      return ssl.getSSLParameters();
    } catch (IllegalArgumentException e) {
      return new SSLParameters();
    }
  }

  private static SSLParameters parameters(SSLEngine engine) {
    try {
      return engine.getSSLParameters();
    } catch (IllegalArgumentException e) {
      return new SSLParameters();
    }
  }

  /** Opens a CONNECT tunnel through an HTTP proxy. Reads the proxy's answer byte by byte so no TLS byte is consumed. */
  private static void tunnel(Socket raw, Route route) throws IOException {
    String request = "CONNECT " + route.authority() + " HTTP/1.1\r\nHost: " + route.authority()
        + "\r\nProxy-Connection: keep-alive\r\n\r\n";
    raw.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    raw.getOutputStream().flush();
    InputStream in = raw.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("proxy closed the connection during CONNECT to " + route.authority());
      }
      head.write(b);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new ProtocolException("proxy answer to CONNECT is larger than " + MAX_HEAD_BYTES + " bytes");
      }
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String statusLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[1].equals("200")) {
      throw new ProxyException("proxy refused CONNECT to " + route.authority() + ": " + statusLine);
    }
  }

  Route route() {
    return route;
  }

  /** Whether body reads go best into direct buffers (plain sockets) or heap arrays (TLS streams). */
  boolean prefersDirectBuffers() {
    return channel != null;
  }

  void write(byte[] bytes) throws IOException {
    if (channel != null) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } else {
      out.write(bytes);
      out.flush();
    }
  }

  /** Reads the status line and header fields of the next response. */
  ResponseHead readHead() throws IOException {
    while (true) {
      int end = findHeadEnd();
      if (end >= 0) {
        byte[] head = new byte[end - buffer.position()];
        buffer.get(head);
        ResponseHead parsed = ResponseHead.parse(head);
        if (parsed.status() >= 100 && parsed.status() < 200 && parsed.status() != 101) {
          continue;
        }
        return parsed;
      }
      if (buffer.remaining() >= MAX_HEAD_BYTES) {
        throw new ProtocolException("response head is larger than " + MAX_HEAD_BYTES + " bytes");
      }
      if (fill() < 0) {
        if (buffer.hasRemaining()) {
          throw new EOFException("connection closed in the middle of a response head");
        }
        throw new NoResponseException("connection closed before any response");
      }
    }
  }

  /** The index just past CRLFCRLF (or LFLF) in the buffer, or -1. */
  private int findHeadEnd() {
    int start = buffer.position();
    int limit = buffer.limit();
    for (int i = start; i < limit; i++) {
      if (buffer.get(i) == '\n') {
        if (i + 1 < limit && buffer.get(i + 1) == '\n') {
          return i + 2;
        }
        if (i + 2 < limit && buffer.get(i + 1) == '\r' && buffer.get(i + 2) == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  /** Reads more bytes from the wire into the buffer, keeping unread ones; returns -1 at end of stream. */
  private int fill() throws IOException {
    if (buffer.position() > 0) {
      buffer.compact().flip();
    }
    if (buffer.limit() == buffer.capacity()) {
      int capacity = Math.min(MAX_HEAD_BYTES * 2, buffer.capacity() * 2);
      ByteBuffer bigger = ByteBuffer.allocate(capacity);
      bigger.put(buffer).flip();
      buffer = bigger;
    }
    int pos = buffer.position();
    int lim = buffer.limit();
    buffer.position(lim).limit(buffer.capacity());
    int n;
    try {
      n = readWire(buffer);
    } finally {
      int newLimit = buffer.position();
      buffer.limit(newLimit).position(pos);
    }
    return n;
  }

  /** Reads one line (without its CRLF) for chunked framing; at most {@code max} bytes. */
  String readLine(int max) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      while (buffer.hasRemaining()) {
        byte b = buffer.get();
        if (b == '\n') {
          int len = line.length();
          if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
          }
          return line.toString();
        }
        if (line.length() >= max) {
          throw new ProtocolException("line longer than " + max + " bytes in chunked body");
        }
        line.append((char) (b & 0xff));
      }
      if (fill() < 0) {
        throw new EOFException("connection closed inside chunked framing");
      }
    }
  }

  /**
   * Reads body bytes into {@code dst}, up to {@code max}: buffered bytes first, then straight from
   * the wire. Returns -1 at end of stream.
   */
  int read(ByteBuffer dst, long max) throws IOException {
    int want = (int) Math.min(dst.remaining(), max);
    if (want == 0) {
      return 0;
    }
    if (buffer.hasRemaining()) {
      int n = Math.min(want, buffer.remaining());
      ByteBuffer slice = buffer.slice();
      slice.limit(n);
      dst.put(slice);
      buffer.position(buffer.position() + n);
      return n;
    }
    int oldLimit = dst.limit();
    dst.limit(dst.position() + want);
    try {
      return readWire(dst);
    } finally {
      dst.limit(oldLimit);
    }
  }

  private int readWire(ByteBuffer dst) throws IOException {
    try {
      return readWireUntimed(dst);
    } catch (IOException e) {
      if (timedOut) {
        SocketTimeoutException timeout = new SocketTimeoutException("no data for "
            + TimeUnit.NANOSECONDS.toSeconds(idleNanos()) + " s");
        timeout.initCause(e);
        throw timeout;
      }
      throw e;
    }
  }

  private int readWireUntimed(ByteBuffer dst) throws IOException {
    int n;
    if (channel != null) {
      n = channel.read(dst);
    } else if (dst.hasArray()) {
      n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
    } else {
      byte[] tmp = new byte[Math.min(dst.remaining(), 64 * 1024)];
      n = in.read(tmp);
      if (n > 0) {
        dst.put(tmp, 0, n);
      }
    }
    if (n > 0) {
      lastReadNanos = System.nanoTime();
    }
    return n;
  }

  /**
   * Whether the end of stream just read was a deliberate close: over TLS, the server's close_notify;
   * a plain TCP close cannot tell a cut from an end, and neither can a proxy's tunnel.
   */
  boolean endedCleanly() {
    return !(channel instanceof TlsChannel) || ((TlsChannel) channel).closeNotifyReceived();
  }

  /** Whether bytes are buffered that no response has claimed (the connection is then unusable). */
  boolean hasBufferedBytes() {
    return buffer.hasRemaining() || (channel instanceof TlsChannel && ((TlsChannel) channel).hasBufferedPlaintext());
  }

  /** Nanoseconds since a byte last arrived. */
  long idleNanos() {
    return System.nanoTime() - lastReadNanos;
  }

  /**
   * Closes the connection because no byte arrived for too long; the blocked read then fails with a
   * {@link SocketTimeoutException}. Blocking {@code SocketChannel} reads ignore SO_TIMEOUT, so this is
   * how every data-path read gets an idle timeout.
   */
  void timeOut() {
    timedOut = true;
    close();
  }

  void markRequestSent() {
    lastReadNanos = System.nanoTime();
  }

  void markIdle() {
    idleSince = System.nanoTime();
  }

  long idleSince() {
    return idleSince;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (channel != null) {
        channel.close();
      } else {
        socket.close();
      }
    } catch (IOException ignored) {
      // closing a broken socket can fail; the socket is gone either way
    }
  }
}
