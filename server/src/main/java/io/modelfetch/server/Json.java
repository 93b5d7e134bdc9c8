package io.modelfetch.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reading JSON request bodies (bounded) and writing JSON answers and errors. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_BODY = 16 * 1024;

  private Json() {
  }

  /** A request the API refuses, with the status and a message that says what to do. */
  static final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String kind;

    ApiError(int status, String kind, String message) {
      super(message, null, false, false);
      this.status = status;
      this.kind = kind;
    }
  }

  /** The request's JSON object; only {@code application/json}, so a web page elsewhere cannot post a form here. */
  static JsonNode body(HttpExchange exchange) throws IOException, ApiError {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(415, "INVALID_REQUEST", "send the request body as JSON with Content-Type: application/json");
    }
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new ApiError(413, "INVALID_REQUEST", "the request body is larger than " + MAX_BODY + " bytes");
    }
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ApiError(400, "INVALID_REQUEST", "the request body must be a JSON object such as {\"url\": \"https://...\"}");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ApiError(400, "INVALID_REQUEST", "the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static void send(HttpExchange exchange, int status, Object value) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(value);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static void error(HttpExchange exchange, ApiError e) throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("kind", e.kind);
    error.put("message", e.getMessage());
    send(exchange, e.status, Map.of("error", error));
  }
}
