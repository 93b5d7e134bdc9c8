package io.modelfetch;

/**
 * The limits one {@link Downloads} enforces across all its downloads; set on the builder and
 * changeable at any time with {@link Downloads#limits(Limits)}, taking effect within a second.
 *
 * <pre>{@code
 * downloads.limits(downloads.limits().withMaxRunningDownloads(1).withBytesPerSecond(8L << 20));
 * }</pre>
 *
 * @param maxRunningDownloads downloads that run at once, 1..1000 (default 3); the others wait in
 *     the queue, by priority, then in submission order
 * @param maxConnections connections all running downloads may hold together, 1..1024 (default 32)
 * @param maxConnectionsPerHost connections to any one host, 1..1024 (default 16)
 * @param bytesPerSecond the total rate of all downloads, bytes per second; 0 for no limit (default)
 */
public record Limits(int maxRunningDownloads, int maxConnections, int maxConnectionsPerHost, long bytesPerSecond) {
  /** The defaults: 3 downloads at once, 32 connections, 16 per host, no rate limit. */
  public static final Limits DEFAULT = new Limits(3, 32, 16, 0);

  public Limits {
    check("maxRunningDownloads", maxRunningDownloads, 1000);
    check("maxConnections", maxConnections, 1024);
    check("maxConnectionsPerHost", maxConnectionsPerHost, 1024);
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 0 (0: no limit), was " + bytesPerSecond);
    }
  }

  public Limits withMaxRunningDownloads(int downloads) {
    return new Limits(downloads, maxConnections, maxConnectionsPerHost, bytesPerSecond);
  }

  public Limits withMaxConnections(int connections) {
    return new Limits(maxRunningDownloads, connections, maxConnectionsPerHost, bytesPerSecond);
  }

  public Limits withMaxConnectionsPerHost(int connections) {
    return new Limits(maxRunningDownloads, maxConnections, connections, bytesPerSecond);
  }

  /** The total rate limit in bytes per second; 0 for none. */
  public Limits withBytesPerSecond(long rate) {
    return new Limits(maxRunningDownloads, maxConnections, maxConnectionsPerHost, rate);
  }

  private static void check(String name, int value, int max) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(name + " must be 1.." + max + ", was " + value);
    }
  }
}
