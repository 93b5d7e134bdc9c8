package io.modelfetch.server;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Fans download events out to Server-Sent Event streams. Each stream has its own bounded queue,
 * so a slow browser only loses its own progress events, never slows a download or another page.
 */
final class EventHub {
  /** One event as it goes on the wire: {@code event: NAME} and one line of JSON data. */
  record Event(String name, String downloadId, String json) {
  }

  /** A subscriber: every download's events, or one download's ({@code downloadId}). */
  static final class Subscription {
    final String downloadId;
    final BlockingQueue<Event> queue = new LinkedBlockingQueue<>(1024);

    Subscription(String downloadId) {
      this.downloadId = downloadId;
    }
  }

  /** Ends every stream (the server is stopping). */
  static final Event END = new Event("end", null, "{}");

  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

  Subscription subscribe(String downloadId) {
    Subscription s = new Subscription(downloadId);
    subscriptions.add(s);
    return s;
  }

  void unsubscribe(Subscription s) {
    subscriptions.remove(s);
  }

  void close() {
    subscriptions.forEach(s -> {
      s.queue.clear();
      s.queue.offer(END);
    });
  }

  void publish(String name, String downloadId, Map<String, Object> data) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(data);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    Event event = new Event(name, downloadId, json);
    for (Subscription s : subscriptions) {
      if (s.downloadId == null || s.downloadId.equals(downloadId)) {
        s.queue.offer(event); // full: this subscriber is not reading; it rebuilds from GET /api/downloads
      }
    }
  }
}
