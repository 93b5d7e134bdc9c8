package io.modelfetch.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The least a segmented client can do: equal ranges, one blocking {@link SocketChannel} and one
 * 1 MiB direct buffer per connection, positional writes. No probe, no retries, no keep-alive, no
 * work stealing, no checks beyond the status line. It measures what the origin and loopback allow,
 * so the engine's numbers can be read against it (and so a slow origin is not mistaken for a slow
 * engine).
 */
final class RawRangeClient implements AutoCloseable {
  private static final int BUFFER = 1 << 20;

  private final InetSocketAddress address;
  private final String path;
  private final ExecutorService threads;
  private final ByteBuffer[] buffers;

  RawRangeClient(URI url, int connections) {
    this.address = new InetSocketAddress(url.getHost(), url.getPort());
    this.path = url.getRawPath();
    this.threads = Executors.newFixedThreadPool(connections);
    this.buffers = new ByteBuffer[connections];
    for (int i = 0; i < connections; i++) {
      buffers[i] = ByteBuffer.allocateDirect(BUFFER);
    }
  }

  /** Downloads {@code size} bytes into {@code file} over all connections at once. */
  void download(long size, FileChannel file) throws IOException, InterruptedException {
    int n = buffers.length;
    List<Future<?>> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long from = size * i / n;
      long to = size * (i + 1) / n;
      ByteBuffer buf = buffers[i];
      parts.add(threads.submit(() -> {
        fetch(from, to, buf, file);
        return null;
      }));
    }
    for (Future<?> part : parts) {
      try {
        part.get();
      } catch (ExecutionException e) {
        throw new IOException("range failed", e.getCause());
      }
    }
  }

  private void fetch(long from, long to, ByteBuffer buf, FileChannel file) throws IOException {
    try (SocketChannel ch = SocketChannel.open(address)) {
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + "\r\nRange: bytes=" + from
          + "-" + (to - 1) + "\r\nConnection: close\r\n\r\n";
      ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
      buf.clear();
      int bodyStart;
      while ((bodyStart = headEnd(buf)) < 0) {
        if (ch.read(buf) < 0) {
          throw new EOFException("connection closed before the response head ended");
        }
      }
      if (buf.get(9) != '2' || buf.get(10) != '0' || buf.get(11) != '6') {
        throw new IOException("expected 206 for bytes " + from + "-" + (to - 1));
      }
      buf.flip().position(bodyStart);
      long pos = from;
      while (true) {
        while (buf.hasRemaining()) {
          pos += file.write(buf, pos);
        }
        if (pos >= to) {
          break;
        }
        buf.clear();
        if (ch.read(buf) < 0) {
          throw new EOFException("body ended at " + pos + ", expected " + to);
        }
        buf.flip();
      }
      if (pos != to) {
        throw new IOException("body ran past its range: " + pos + " > " + to);
      }
    }
  }

  /** The offset just past CRLFCRLF in what was read so far, or -1. */
  private static int headEnd(ByteBuffer buf) {
    for (int i = 3; i < buf.position(); i++) {
      if (buf.get(i) == '\n' && buf.get(i - 1) == '\r' && buf.get(i - 2) == '\n' && buf.get(i - 3) == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
