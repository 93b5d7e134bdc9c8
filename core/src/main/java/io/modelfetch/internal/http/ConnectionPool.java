package io.modelfetch.internal.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections waiting for their next request, per route. The most recently used
 * connection is handed out first (its TCP window is warm); connections idle longer than the keep
 * alive time are closed rather than reused, since servers close them on their side.
 */
final class ConnectionPool implements AutoCloseable {
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final int MAX_IDLE_PER_ROUTE = 64;

  private final Map<Route, Deque<HttpConnection>> idle = new HashMap<>();
  private boolean closed;

  /** An idle connection for the route, or {@code null}. */
  HttpConnection acquire(Route route) {
    List<HttpConnection> stale = new ArrayList<>();
    HttpConnection found = null;
    synchronized (this) {
      Deque<HttpConnection> q = idle.get(route);
      while (q != null && !q.isEmpty()) {
        HttpConnection c = q.pollFirst();
        if (!c.isClosed() && System.nanoTime() - c.idleSince() < KEEP_ALIVE_NANOS) {
          found = c;
          break;
        }
        stale.add(c);
      }
    }
    stale.forEach(HttpConnection::close);
    return found;
  }

  void release(HttpConnection connection) {
    connection.markIdle();
    HttpConnection evicted = null;
    synchronized (this) {
      if (!closed) {
        Deque<HttpConnection> q = idle.computeIfAbsent(connection.route(), r -> new ArrayDeque<>());
        q.addFirst(connection);
        if (q.size() > MAX_IDLE_PER_ROUTE) {
          evicted = q.pollLast();
        }
        connection = null;
      }
    }
    if (evicted != null) {
      evicted.close();
    }
    if (connection != null) {
      connection.close();
    }
  }

  @Override
  public void close() {
    List<HttpConnection> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(all::addAll);
      idle.clear();
    }
    all.forEach(HttpConnection::close);
  }
}
