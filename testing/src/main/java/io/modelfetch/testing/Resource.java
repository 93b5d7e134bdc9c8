package io.modelfetch.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the {@link FakeOrigin} serves at one path, and how it misbehaves. Configure fluently:
 *
 * <pre>{@code
 * origin.file("/model.safetensors", bytes)
 *     .etag("\"v1\"")
 *     .throttle(256 * 1024)          // bytes per second per connection
 *     .failFirst(2, 503, "Retry-After", "1")
 *     .disconnectAfter(1 << 20, 1);  // one response is cut after 1 MiB
 * }</pre>
 */
public final class Resource {
  volatile byte[] body;
  volatile String etag;
  volatile String lastModified;
  volatile String contentType = "application/octet-stream";
  volatile String contentDisposition;
  volatile boolean ignoreRanges;
  volatile boolean chunked;
  volatile boolean noLength;
  volatile long throttle;
  volatile long firstConnectionThrottle;
  volatile long disconnectAfter = -1;
  final AtomicInteger disconnectsLeft = new AtomicInteger();
  final AtomicInteger failuresLeft = new AtomicInteger();
  volatile int failureStatus;
  final Map<String, String> failureHeaders = new LinkedHashMap<>();
  volatile long stallAfter = -1;
  final AtomicInteger stallsLeft = new AtomicInteger();
  volatile Range wrongRange;
  final AtomicInteger wrongRangesLeft = new AtomicInteger();
  volatile long extraBytes;
  final AtomicInteger extraBytesLeft = new AtomicInteger();
  volatile int rangeFailureStatus;
  final AtomicInteger rangeFailuresLeft = new AtomicInteger();
  final Map<String, String> rangeFailureHeaders = new LinkedHashMap<>();
  volatile boolean ignoreRangesAfterProbe;
  volatile long trailingBytes;
  final AtomicInteger trailingLeft = new AtomicInteger();
  final List<String[]> extraHeaders = new ArrayList<>();

  Resource(byte[] body) {
    this.body = body;
  }

  /** Replaces the content (the file changed on the server); give it a new ETag too. */
  public Resource body(byte[] body) {
    this.body = body;
    return this;
  }

  public Resource etag(String etag) {
    this.etag = etag;
    return this;
  }

  public Resource lastModified(String httpDate) {
    this.lastModified = httpDate;
    return this;
  }

  public Resource contentType(String contentType) {
    this.contentType = contentType;
    return this;
  }

  public Resource contentDisposition(String value) {
    this.contentDisposition = value;
    return this;
  }

  /** Adds a header to every successful response. */
  public Resource header(String name, String value) {
    synchronized (extraHeaders) {
      extraHeaders.add(new String[] {name, value});
    }
    return this;
  }

  /** Answers every request with the whole file and 200, as servers without range support do. */
  public Resource ignoreRanges() {
    this.ignoreRanges = true;
    return this;
  }

  /**
   * Honours the first-byte probe ({@code bytes=0-0}) but answers every other ranged request with
   * the whole file and 200, as some proxies and misconfigured CDNs do.
   */
  public Resource ignoreRangesAfterProbe() {
    this.ignoreRangesAfterProbe = true;
    return this;
  }

  /** Sends full-file bodies chunked, without Content-Length. */
  public Resource chunked() {
    this.chunked = true;
    return this;
  }

  /** Sends full-file bodies without Content-Length, ending them by closing the connection. */
  public Resource noContentLength() {
    this.noLength = true;
    return this;
  }

  /** Caps each connection at this many bytes per second (like a CDN's per-connection limit). */
  public Resource throttle(long bytesPerSecond) {
    this.throttle = bytesPerSecond;
    return this;
  }

  /** Caps only the first connection that asks for this resource (one slow connection among fast ones). */
  public Resource throttleFirstConnection(long bytesPerSecond) {
    this.firstConnectionThrottle = bytesPerSecond;
    return this;
  }

  /** The next {@code times} responses close the connection after {@code bytes} body bytes. */
  public Resource disconnectAfter(long bytes, int times) {
    this.disconnectAfter = bytes;
    this.disconnectsLeft.set(times);
    return this;
  }

  /** The next {@code times} responses stop sending (but keep the connection open) after {@code bytes} body bytes. */
  public Resource stallAfter(long bytes, int times) {
    this.stallAfter = bytes;
    this.stallsLeft.set(times);
    return this;
  }

  /** The next {@code times} requests get {@code status} with these header name/value pairs, then it works. */
  public Resource failFirst(int times, int status, String... headerPairs) {
    synchronized (failureHeaders) {
      failureHeaders.clear();
      for (int i = 0; i + 1 < headerPairs.length; i += 2) {
        failureHeaders.put(headerPairs[i], headerPairs[i + 1]);
      }
    }
    this.failureStatus = status;
    this.failuresLeft.set(times);
    return this;
  }

  /**
   * The next {@code times} ranged requests (not the first-byte probe) get {@code status}, with
   * these header name/value pairs ({@code "Retry-After", "1"}).
   */
  public Resource failRanges(int times, int status, String... headerPairs) {
    synchronized (rangeFailureHeaders) {
      rangeFailureHeaders.clear();
      for (int i = 0; i + 1 < headerPairs.length; i += 2) {
        rangeFailureHeaders.put(headerPairs[i], headerPairs[i + 1]);
      }
    }
    this.rangeFailureStatus = status;
    this.rangeFailuresLeft.set(times);
    return this;
  }

  /** The next {@code times} ranged requests are answered with this range instead of the one asked for. */
  public Resource wrongRange(long first, long last, int times) {
    this.wrongRange = new Range(first, last);
    this.wrongRangesLeft.set(times);
    return this;
  }

  /** The next {@code times} ranged responses carry {@code extra} bytes more than their Content-Range says. */
  public Resource overlongBody(long extra, int times) {
    this.extraBytes = extra;
    this.extraBytesLeft.set(times);
    return this;
  }

  /**
   * The next {@code times} ranged responses announce (Content-Length) and send {@code missing}
   * bytes fewer than their Content-Range says.
   */
  public Resource shortBody(long missing, int times) {
    this.extraBytes = -missing;
    this.extraBytesLeft.set(times);
    return this;
  }

  /**
   * The next {@code times} ranged responses are followed by {@code bytes} bytes beyond their
   * announced end, on the same connection.
   */
  public Resource trailingGarbage(long bytes, int times) {
    this.trailingBytes = bytes;
    this.trailingLeft.set(times);
    return this;
  }

  record Range(long first, long last) {
  }
}
