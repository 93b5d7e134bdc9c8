package io.modelfetch.internal.http;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A response being read from a data-path connection. The body is framed by Content-Length,
 * chunked encoding, or the end of the connection; a body that ends early is an
 * {@link EOFException}, never a silent short file.
 *
 * <p>{@link #close()} returns the connection to the pool only when the body was read to its end
 * and the server allows keep-alive; otherwise the connection is closed. {@link #abort()} may be
 * called from another thread to unblock a read.
 */
public final class Response implements Closeable {
  private enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

  private static final int MAX_CHUNK_LINE = 4096;

  private final HttpConnection connection;
  private final Release release;
  private final ResponseHead head;
  private final URI uri;
  private final Framing framing;
  private final long contentLength;
  private long remaining;
  private boolean chunkDataEndPending;
  private boolean done;
  private boolean released;

  /** What happens to the connection when the response is done with it. */
  interface Release {
    void release(HttpConnection connection, boolean reusable);
  }

  Response(HttpConnection connection, Release release, ResponseHead head, URI uri, boolean headRequest)
      throws ProtocolException {
    this.connection = connection;
    this.release = release;
    this.head = head;
    this.uri = uri;
    int status = head.status();
    if (headRequest || status == 204 || status == 304) {
      framing = Framing.NONE;
      contentLength = status == 204 ? 0 : head.contentLength().orElse(-1);
      done = true;
    } else if (head.chunked()) {
      framing = Framing.CHUNKED;
      contentLength = -1;
    } else if (head.contentLength().isPresent()) {
      framing = Framing.LENGTH;
      contentLength = head.contentLength().getAsLong();
      remaining = contentLength;
      done = remaining == 0;
    } else {
      framing = Framing.UNTIL_CLOSE;
      contentLength = -1;
    }
  }

  public int status() {
    return head.status();
  }

  public ResponseHead head() {
    return head;
  }

  public Optional<String> header(String name) {
    return head.headers().get(name);
  }

  /** The URL this response answered (after redirects, when it came from {@link DataClient#follow}). */
  public URI uri() {
    return uri;
  }

  /** The body length, or -1 when chunked or delimited by the connection's end. */
  public long contentLength() {
    return contentLength;
  }

  public boolean prefersDirectBuffers() {
    return connection.prefersDirectBuffers();
  }

  /**
   * Reads body bytes into {@code dst}. Returns the number read (maybe 0 when {@code dst} is full),
   * or -1 at the end of the body.
   *
   * @throws EOFException if the connection ends before the framing says the body does
   */
  public int read(ByteBuffer dst) throws IOException {
    if (done) {
      return -1;
    }
    switch (framing) {
      case LENGTH: {
        int n = connection.read(dst, remaining);
        if (n < 0) {
          throw new EOFException("connection closed with " + remaining + " of " + contentLength + " body bytes missing");
        }
        remaining -= n;
        done = remaining == 0;
        return n;
      }
      case CHUNKED:
        return readChunked(dst);
      case UNTIL_CLOSE: {
        int n = connection.read(dst, Long.MAX_VALUE);
        if (n < 0) {
          if (!connection.endedCleanly()) {
            // a body without length ends where the connection does: over TLS only a close_notify
            // says that was the end and not a cut
            throw new EOFException("the server closed the TLS connection without close_notify: the body may be "
                + "cut short");
          }
          done = true;
        }
        return n;
      }
      default:
        return -1;
    }
  }

  private int readChunked(ByteBuffer dst) throws IOException {
    if (remaining == 0) {
      if (chunkDataEndPending) {
        String crlf = connection.readLine(MAX_CHUNK_LINE);
        if (!crlf.isEmpty()) {
          throw new ProtocolException("chunk data longer than its declared size");
        }
      }
      String line = connection.readLine(MAX_CHUNK_LINE);
      int semi = line.indexOf(';');
      String hex = (semi >= 0 ? line.substring(0, semi) : line).strip();
      if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new ProtocolException("malformed chunk size line");
      }
      remaining = Long.parseLong(hex, 16);
      chunkDataEndPending = true;
      if (remaining == 0) {
        int trailers = 0;
        while (!connection.readLine(HttpConnection.MAX_HEAD_BYTES).isEmpty()) {
          if (++trailers > HttpConnection.MAX_HEADER_FIELDS) {
            throw new ProtocolException("too many chunked trailer fields");
          }
        }
        done = true;
        return -1;
      }
    }
    int n = connection.read(dst, remaining);
    if (n < 0) {
      throw new EOFException("connection closed inside a chunk");
    }
    remaining -= n;
    return n;
  }

  /** Whether the whole body has been read. */
  public boolean isComplete() {
    return done;
  }

  /**
   * Reads up to {@code max} bytes of the body as text (for error messages and content sniffing).
   * The rest is left unread, so the connection will not be reused.
   */
  public String readText(int max) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(max);
    while (buf.hasRemaining()) {
      int n = read(buf);
      if (n < 0) {
        break;
      }
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  /**
   * Reads and drops a small body so the connection can be reused; a body larger than
   * {@code maxBytes} is not worth it and the connection is closed instead.
   */
  public void discard(long maxBytes) {
    if (contentLength > maxBytes || framing == Framing.UNTIL_CLOSE) {
      abort();
      return;
    }
    try {
      ByteBuffer scratch = ByteBuffer.allocate(8192);
      long total = 0;
      while (!done && total <= maxBytes) {
        scratch.clear();
        int n = read(scratch);
        if (n < 0) {
          break;
        }
        total += n;
      }
    } catch (IOException e) {
      abort();
      return;
    }
    close();
  }

  /** Nanoseconds since the connection last received a byte; for the stall watchdog. */
  public long idleNanos() {
    return connection.idleNanos();
  }

  /** Closes the connection now; safe from any thread, unblocks a pending read. */
  public void abort() {
    released = true;
    release.release(connection, false);
  }

  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    release.release(connection, done && head.keepAlive() && !connection.hasBufferedBytes() && !connection.isClosed());
  }
}
