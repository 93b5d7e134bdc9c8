package io.modelfetch.testing;

import io.modelfetch.testing.FakeOrigin.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers one request for a {@link Resource} the way it is configured: an injected failure, or its
 * bytes (the whole file with 200, or the asked range with 206 / 416), wrong or overlong ranges, and
 * a body sent at the throttled rate, cut or stalled where asked.
 */
final class ResourceResponder {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final ObjLongConsumer<RecordedRequest> served;
  private final BooleanSupplier closed;
  /** The connection that first asked for each resource: the one {@link Resource#throttleFirstConnection} slows. */
  private final Map<Resource, Integer> firstConnection = new ConcurrentHashMap<>();

  /**
   * @param served counts body bytes written for a request
   * @param closed whether the origin is closing, which ends a stalled response
   */
  ResourceResponder(ObjLongConsumer<RecordedRequest> served, BooleanSupplier closed) {
    this.served = served;
    this.closed = closed;
  }

  /** Writes the response; returns false when the connection must end. */
  boolean respond(Resource r, RecordedRequest request, OutputStream out, int connection) throws IOException {
    if (r.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      fail(out, request, r.failureStatus, r.failureHeaders, "failure " + r.failureStatus);
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
      fail(out, request, r.rangeFailureStatus, r.rangeFailureHeaders, "range failure");
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
    if (ranged && !probe && (r.extraBytes < 0 || size - first > length)
        && r.extraBytesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
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
      served.accept(request, trailing);
    }
    return !untilClose;
  }

  /** An injected failure: {@code status} with the configured headers and a short text body. */
  private void fail(OutputStream out, RecordedRequest request, int status, Map<String, String> configured, String text)
      throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    synchronized (configured) {
      h.putAll(configured);
    }
    h.put("Content-Type", "text/plain");
    HttpWire.writeReply(out, new Reply(status, h, text.getBytes(StandardCharsets.UTF_8)), request, served);
  }

  /**
   * Sends {@code length} bytes from {@code first}; returns false when the connection must end (a
   * stall outlived the origin), and throws {@link Cut} where the connection is cut.
   */
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
        int count = Math.min(n, body.length - from);
        out.write(body, from, count);
        if (count < n) {
          out.write(new byte[n - count]);
        }
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        sent += n;
        served.accept(request, n);
      }
      if (cutAt >= 0 && sent >= cutAt) {
        out.flush();
        throw new Cut();
      }
      if (stallAt >= 0 && sent >= stallAt) {
        out.flush();
        while (!closed.getAsBoolean()) {
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

  /** The connection is cut here: the caller drops it as a broken network would. */
  static final class Cut extends IOException {
    private static final long serialVersionUID = 1L;

    Cut() {
      super("connection cut");
    }
  }
}
