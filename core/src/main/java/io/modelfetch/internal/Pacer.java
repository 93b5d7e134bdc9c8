package io.modelfetch.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * One download's side of the rate limits: its own token bucket and the engine's shared one. A
 * connection of the built-in backend reports each read and waits as long as the tighter of the two
 * says, in short slices so that a pause or cancel is prompt; reads are kept to 20 ms of the
 * tightest rate, so pacing comes in small steps, not bursts.
 */
final class Pacer {
  private static final long SLICE_NANOS = 50_000_000L;
  private static final long MIN_PACED_READ = 16 * 1024;

  private final RateLimiter own;
  private final RateLimiter all;

  Pacer(long bytesPerSecond, RateLimiter all) {
    this.own = new RateLimiter(bytesPerSecond);
    this.all = all;
  }

  long rate() {
    return own.rate();
  }

  void rate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 0 (0: no limit), was " + bytesPerSecond);
    }
    own.rate(bytesPerSecond);
  }

  void pace(long bytes, Cancellation cancellation) {
    long wait = Math.max(own.take(bytes), all.take(bytes));
    long until = System.nanoTime() + wait;
    for (long left = wait; left > 0 && !cancellation.isCancelled(); left = until - System.nanoTime()) {
      LockSupport.parkNanos(Math.min(left, SLICE_NANOS));
    }
  }

  /** 20 ms of the tightest rate limit in force (at least 16 KiB), or no bound without one. */
  long maxRead() {
    long a = own.rate();
    long b = all.rate();
    long tightest = a <= 0 ? b : b <= 0 ? a : Math.min(a, b);
    return tightest <= 0 ? Long.MAX_VALUE : Math.max(MIN_PACED_READ, tightest / 50);
  }
}
