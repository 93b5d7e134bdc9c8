package io.modelfetch.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The origin the engine benchmarks download from: an HTTP/1.1 file server on loopback that does
 * what a CDN edge does for a download client — GET with one byte range, {@code 206} with
 * {@code Content-Range}, a strong ETag, keep-alive, and a cap on each connection's rate — and
 * nothing else. Bodies go out with {@code sendfile} ({@link FileChannel#transferTo}) from files in
 * a tmpfs, as nginx sends them, so the origin costs the benchmark JVM little CPU and no heap.
 *
 * <p>Why not {@code FakeOrigin} from the testing module: it records every request in a
 * copy-on-write list (each request copies all earlier ones, so a benchmark that makes thousands
 * of requests slows down and allocates more as it runs) and copies each body through the heap.
 * {@link OriginCeilingBenchmark} measures both.
 */
final class LoopbackOrigin implements AutoCloseable {
  private static final Pattern REQUEST_LINE = Pattern.compile("(GET|HEAD) (\\S+) HTTP/1\\.[01]");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final int MAX_HEAD = 16 * 1024;

  private final ServerSocketChannel server;
  private final long bytesPerSecond;
  private final Map<String, FileChannel> files = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "loopback-origin");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  private LoopbackOrigin(ServerSocketChannel server, long bytesPerSecond) {
    this.server = server;
    this.bytesPerSecond = bytesPerSecond;
    threads.execute(this::acceptLoop);
  }

  /** Starts on 127.0.0.1 on a free port; {@code bytesPerSecond} caps each connection, 0 for none. */
  static LoopbackOrigin start(long bytesPerSecond) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    return new LoopbackOrigin(s, bytesPerSecond);
  }

  /** Serves {@code file} at {@code path}; returns its URL. */
  URI serve(String path, Path file) throws IOException {
    files.put(path, FileChannel.open(file, StandardOpenOption.READ));
    return URI.create("http://127.0.0.1:" + server.socket().getLocalPort() + path);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel c = server.accept();
        c.socket().setTcpNoDelay(true);
        threads.execute(() -> serve(c));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serve(SocketChannel channel) {
    ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
    try (channel) {
      while (!closed) {
        String head = readHead(channel, in);
        if (head == null || !respond(channel, head)) {
          return;
        }
      }
    } catch (IOException e) {
      // the client closed or aborted the connection: normal for a stolen range
    }
  }

  /** Reads one request head, keeping any bytes after it in {@code in}; null when the client closed. */
  private static String readHead(SocketChannel channel, ByteBuffer in) throws IOException {
    while (true) {
      int end = headEnd(in);
      if (end >= 0) {
        String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
        in.flip().position(end);
        in.compact();
        return head;
      }
      if (!in.hasRemaining()) {
        throw new IOException("request head larger than " + MAX_HEAD + " bytes");
      }
      if (channel.read(in) < 0) {
        if (in.position() > 0) {
          throw new EOFException("connection closed inside a request head");
        }
        return null;
      }
    }
  }

  private static int headEnd(ByteBuffer in) {
    byte[] a = in.array();
    for (int i = 3; i < in.position(); i++) {
      if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /** Answers one request; false when the connection must close afterwards. */
  private boolean respond(SocketChannel channel, String head) throws IOException {
    String[] lines = head.split("\r\n");
    Matcher request = REQUEST_LINE.matcher(lines[0]);
    FileChannel file = request.matches() ? files.get(request.group(2)) : null;
    if (file == null) {
      write(channel, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    String range = null;
    boolean close = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].toLowerCase(Locale.ROOT);
      if (line.startsWith("range:")) {
        range = line.substring(6).strip();
      } else if (line.startsWith("connection:")) {
        close = line.contains("close");
      }
    }
    long size = file.size();
    long first = 0;
    long last = size - 1;
    StringBuilder out = new StringBuilder();
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (m != null && m.matches()) {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      if (first > last) {
        write(channel, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + size
            + "\r\nContent-Length: 0\r\n\r\n");
        return true;
      }
      out.append("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes ").append(first).append('-').append(last)
          .append('/').append(size).append("\r\n");
    } else {
      out.append("HTTP/1.1 200 OK\r\n");
    }
    long length = last - first + 1;
    out.append("Accept-Ranges: bytes\r\nContent-Type: application/octet-stream\r\nETag: \"").append(size)
        .append("\"\r\nContent-Length: ").append(length).append("\r\n\r\n");
    write(channel, out.toString());
    if (request.group(1).equals("GET")) {
      send(channel, file, first, length);
    }
    return !close;
  }

  /** Sends {@code length} bytes of {@code file} from {@code first}, paced to the per-connection cap. */
  private void send(SocketChannel channel, FileChannel file, long first, long length) throws IOException {
    long chunk = bytesPerSecond > 0 ? Math.max(16 * 1024, bytesPerSecond / 50) : 1 << 20;
    long start = System.nanoTime();
    long sent = 0;
    while (sent < length) {
      sent += file.transferTo(first + sent, Math.min(chunk, length - sent), channel);
      if (bytesPerSecond > 0) {
        long ahead = start + sent * 1_000_000_000L / bytesPerSecond - System.nanoTime();
        if (ahead > 0) {
          sleep(ahead);
        }
      }
    }
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  private static void sleep(long nanos) throws IOException {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
      for (FileChannel f : files.values()) {
        f.close();
      }
    } catch (IOException e) {
      // closing at the end of a trial; nothing left to do
    }
    threads.shutdownNow();
  }
}
