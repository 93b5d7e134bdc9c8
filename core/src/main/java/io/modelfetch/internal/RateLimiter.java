package io.modelfetch.internal;

/**
 * A token bucket shared by connections: bytes per second, changeable at any time, 0 for no limit.
 * A connection reports what it has just read and is told how long to pause, so the connections of
 * a download (or of all downloads) share one rate. The bucket holds at most 50 ms of the rate
 * (at least 64 KiB), so there are no bursts: a connection that was idle gets that much, not
 * seconds' worth.
 */
final class RateLimiter {
  private static final long MIN_BURST = 64 * 1024;

  private long rate;
  private double tokens;
  private long lastNanos = System.nanoTime();

  RateLimiter(long bytesPerSecond) {
    this.rate = bytesPerSecond;
  }

  synchronized long rate() {
    return rate;
  }

  /** Changes the rate; debt owed at the old rate beyond one burst is forgiven so the change shows at once. */
  synchronized void rate(long bytesPerSecond) {
    refill(System.nanoTime());
    rate = bytesPerSecond;
    tokens = Math.max(tokens, -burst());
  }

  /** Takes {@code bytes} and returns how long the caller should pause, in nanoseconds (0 when within the rate). */
  synchronized long take(long bytes) {
    if (rate <= 0) {
      return 0;
    }
    long now = System.nanoTime();
    refill(now);
    tokens -= bytes;
    return tokens >= 0 ? 0 : (long) (-tokens * 1e9 / rate);
  }

  private void refill(long now) {
    if (rate > 0) {
      tokens = Math.min(burst(), tokens + (now - lastNanos) * (double) rate / 1e9);
    }
    lastNanos = now;
  }

  private double burst() {
    return Math.max(MIN_BURST, rate / 20.0);
  }
}
