package io.modelfetch.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.modelfetch.DownloadException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/}. Every answer is JSON; every refusal is
 * {@code {"error": {"kind", "message"}}} with a message that says what to do.
 */
final class Api implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  private static final Pattern DOWNLOAD = Pattern.compile("/api/downloads/(\\d{1,18})(/pause|/resume|/events)?");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final int MAX_URL = 4096;

  private final DownloadBook book;
  private final EventHub hub;
  private final ModelFolders folders;
  private final boolean allowPrivate;

  Api(DownloadBook book, EventHub hub, ModelFolders folders, boolean allowPrivate) {
    this.book = book;
    this.hub = hub;
    this.folders = folders;
    this.allowPrivate = allowPrivate;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath());
      } catch (Json.ApiError e) {
        Json.error(exchange, e);
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
        Json.error(exchange, new Json.ApiError(500, "INTERNAL", "the server failed: " + e + "; see its log"));
      }
    }
  }

  private void route(HttpExchange ex, String method, String path) throws IOException, Json.ApiError {
    switch (method + " " + path) {
      case "GET /api/downloads":
        Json.send(ex, 200, Map.of("downloads", book.list()));
        return;
      case "POST /api/downloads":
        Json.send(ex, 201, start(Json.body(ex)).view());
        return;
      case "POST /api/resolve":
        Json.send(ex, 200, resolve(Json.body(ex)));
        return;
      case "GET /api/events":
        EventStream.serve(ex, hub, null, Map.of("downloads", book.list()));
        return;
      case "GET /api/models":
        Json.send(ex, 200, Map.of("root", folders.root().toString(), "folders", ModelFolders.NAMES,
            "allowPrivate", allowPrivate, "models", folders.installed()));
        return;
      case "GET /api/models/preview":
        preview(ex);
        return;
      default:
        download(ex, method, path);
    }
  }

  /** The routes of one download: {@code /api/downloads/{id}[/pause|/resume|/events]}. */
  private void download(HttpExchange ex, String method, String path) throws IOException, Json.ApiError {
    Matcher m = DOWNLOAD.matcher(path);
    if (!m.matches()) {
      throw new Json.ApiError(404, "NOT_FOUND", "no such API route: " + method + " " + path
          + "; see GET /api/downloads, POST /api/downloads, POST /api/resolve, GET /api/models");
    }
    Tracked t = book.get(m.group(1)).orElseThrow(() -> new Json.ApiError(404, "NOT_FOUND",
        "no download with id " + m.group(1) + "; GET /api/downloads lists them"));
    String action = m.group(2) == null ? "" : m.group(2);
    switch (method + " " + action) {
      case "GET ":
        Json.send(ex, 200, t.view());
        return;
      case "DELETE ":
        book.remove(t);
        Json.send(ex, 200, t.view());
        return;
      case "POST /pause":
        if (!book.pause(t)) {
          throw new Json.ApiError(409, "INVALID_REQUEST", "download " + t.id + " is " + state(t) + ", not running");
        }
        Json.send(ex, 200, t.view());
        return;
      case "POST /resume":
        if (!book.resume(t)) {
          throw new Json.ApiError(409, "INVALID_REQUEST", "download " + t.id + " is " + state(t) + ", not paused");
        }
        Json.send(ex, 200, t.view());
        return;
      case "GET /events":
        EventStream.serve(ex, hub, t.id, Map.of("download", t.view()));
        return;
      default:
        throw new Json.ApiError(405, "INVALID_REQUEST", method + " is not allowed on " + path);
    }
  }

  private Tracked start(JsonNode body) throws Json.ApiError {
    String url = url(body);
    String folderName = text(body, "folder");
    if (folderName == null) {
      throw new Json.ApiError(400, "INVALID_REQUEST", "name a folder: one of " + ModelFolders.NAMES);
    }
    Path folder = folders.folder(folderName).orElseThrow(() -> new Json.ApiError(400, "INVALID_REQUEST",
        "folder must be one of " + ModelFolders.NAMES + ", was '" + folderName + "'"));
    String sha256 = text(body, "sha256");
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw new Json.ApiError(400, "INVALID_REQUEST", "sha256 must be 64 hex digits, or left out");
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new Json.ApiError(500, "LOCAL_IO", "cannot create the folder " + folderName + ": " + e.getMessage());
    }
    return book.start(url, folderName, folder, sha256);
  }

  private Map<String, Object> resolve(JsonNode body) throws Json.ApiError {
    try {
      return book.resolve(url(body));
    } catch (DownloadException e) {
      throw ApiErrors.of(e);
    }
  }

  /** The URL of a request: an http(s) URL with a host, or a source URN ({@code urn:air:...}). */
  private static String url(JsonNode body) throws Json.ApiError {
    String url = text(body, "url");
    if (url == null) {
      throw new Json.ApiError(400, "INVALID_REQUEST", "paste a URL: {\"url\": \"https://civitai.com/models/4201\"}");
    }
    if (url.length() > MAX_URL) {
      throw new Json.ApiError(400, "INVALID_REQUEST", "the URL is longer than " + MAX_URL + " characters");
    }
    if (url.toLowerCase(Locale.ROOT).startsWith("urn:")) {
      return url;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw new Json.ApiError(400, "INVALID_REQUEST", "'" + io.modelfetch.Secret.redact(url) + "' is not a URL to download:"
        + " paste an http(s) link such as https://civitai.com/models/4201 or https://huggingface.co/ORG/NAME");
  }

  private static String text(JsonNode body, String field) throws Json.ApiError {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new Json.ApiError(400, "INVALID_REQUEST", field + " must be a string");
    }
    String s = value.asText().strip();
    return s.isEmpty() ? null : s;
  }

  private void preview(HttpExchange ex) throws IOException, Json.ApiError {
    Map<String, String> query = query(ex.getRequestURI());
    Path image = folders.preview(query.get("folder"), query.get("file"))
        .orElseThrow(() -> new Json.ApiError(404, "NOT_FOUND", "no preview image for that model"));
    String name = image.getFileName().toString();
    String type = name.endsWith(".png") ? "image/png" : name.endsWith(".webp") ? "image/webp"
        : name.endsWith(".gif") ? "image/gif" : "image/jpeg";
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(200, Files.size(image));
    try (OutputStream out = ex.getResponseBody()) {
      Files.copy(image, out);
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        q.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
      }
    }
    return q;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String state(Tracked t) {
    return t.state().name().toLowerCase(Locale.ROOT);
  }
}
