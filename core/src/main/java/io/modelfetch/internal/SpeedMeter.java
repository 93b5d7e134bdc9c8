package io.modelfetch.internal;

/**
 * Bytes per second over a sliding window of recent samples, so the rate reacts within seconds but
 * does not jump with every buffer. Fed by the ticker, read by progress snapshots.
 */
final class SpeedMeter {
  private static final int SAMPLES = 12;
  private static final long WINDOW_NANOS = 3_000_000_000L;

  private final long[] times = new long[SAMPLES];
  private final long[] bytes = new long[SAMPLES];
  private int next;
  private int count;
  private volatile long rate;

  synchronized void sample(long totalBytes, long nowNanos) {
    times[next] = nowNanos;
    bytes[next] = totalBytes;
    next = (next + 1) % SAMPLES;
    count = Math.min(SAMPLES, count + 1);
    int newest = (next - 1 + SAMPLES) % SAMPLES;
    int oldest = newest;
    for (int i = 1; i < count; i++) {
      int idx = (newest - i + SAMPLES) % SAMPLES;
      if (nowNanos - times[idx] > WINDOW_NANOS) {
        break;
      }
      oldest = idx;
    }
    long dt = times[newest] - times[oldest];
    rate = dt <= 0 ? rate : (bytes[newest] - bytes[oldest]) * 1_000_000_000L / dt;
  }

  long bytesPerSecond() {
    return rate;
  }
}
