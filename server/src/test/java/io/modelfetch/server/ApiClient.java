package io.modelfetch.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A java.net.http client for the API that keeps every answer's text, so tests can search them all for secrets. */
final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: status and JSON body. */
  record Answer(int status, JsonNode json) {
    String errorMessage() {
      return json.path("error").path("message").asText();
    }
  }

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<String> transcript = new CopyOnWriteArrayList<>();
  private final URI base;

  ApiClient(URI base) {
    this.base = base;
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Answer post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Answer delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    transcript.add(response.headers().map() + "\n" + response.body());
    return new Answer(response.statusCode(), response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body()));
  }

  /** Polls one download until it reaches a state, or fails after a minute. */
  JsonNode awaitState(String id, String state) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    JsonNode view = null;
    while (System.nanoTime() < deadline) {
      view = get("/api/downloads/" + id).json();
      if (view.path("state").asText().equals(state)) {
        return view;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("download " + id + " did not become " + state + ": " + view);
  }
}
