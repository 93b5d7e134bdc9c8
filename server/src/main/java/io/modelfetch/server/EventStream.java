package io.modelfetch.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One Server-Sent Events response: a {@code snapshot} event with the current state, then every
 * event as it comes, a comment line every 15 s so proxies keep the connection, until the client
 * goes away (or, for one download's stream, until that download has ended).
 */
final class EventStream {
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled", "removed");

  private EventStream() {
  }

  static void serve(HttpExchange exchange, EventHub hub, String downloadId, Map<String, Object> snapshot)
      throws IOException {
    EventHub.Subscription subscription = hub.subscribe(downloadId); // before the snapshot: nothing falls between
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      write(out, "retry: 2000\n\n");
      write(out, frame("snapshot", Json.MAPPER.writeValueAsString(snapshot)));
      boolean ended = downloadId != null && FINAL.contains(stateEvent(snapshot));
      while (!ended) {
        EventHub.Event event = subscription.queue.poll(15, TimeUnit.SECONDS);
        if (event == null) {
          write(out, ": keep-alive\n\n");
        } else if (event == EventHub.END) {
          ended = true;
        } else {
          write(out, frame(event.name(), event.json()));
          ended = downloadId != null && FINAL.contains(event.name());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the browser closed the page or reconnects; nothing to clean up but the subscription
    } finally {
      hub.unsubscribe(subscription);
    }
  }

  /** For one download's snapshot: its state as the final event name, if it has ended already. */
  private static String stateEvent(Map<String, Object> snapshot) {
    Object download = snapshot.get("download");
    return download instanceof Map ? String.valueOf(((Map<?, ?>) download).get("state")) : "";
  }

  private static String frame(String name, String json) {
    return "event: " + name + "\ndata: " + json + "\n\n"; // Jackson writes one line: no newline inside data
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
