package io.modelfetch.aria2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * aria2's JSON-RPC 2.0 interface over HTTP on loopback. Every method but the {@code system.*}
 * ones carries the secret as its first parameter ({@code "token:SECRET"}); the secret never
 * appears in an exception message.
 */
final class Aria2Rpc {
  /** Status fields the backend reads; asking for them only keeps the answer small (no bitfield). */
  private static final List<String> STATUS_KEYS = List.of("status", "totalLength", "completedLength", "connections",
      "errorCode", "errorMessage", "downloadSpeed");
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The RPC is plain http on loopback: without a context of its own the client would build the
   * JDK's default one, parsing ~140 CA certificates it never uses (~50 ms of a cold start).
   */
  private static final SSLContext NO_TLS = noTls();

  private final HttpClient http;
  private final URI endpoint;
  private final String token;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();

  private static SSLContext noTls() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context for the aria2 RPC client", e);
    }
  }

  Aria2Rpc(int port, String secret, Duration timeout) {
    // never through a proxy: the daemon listens on loopback only, and the secret must not travel anywhere else
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(HttpClient.Builder.NO_PROXY)
        .sslContext(NO_TLS)
        .connectTimeout(timeout)
        .build();
    this.endpoint = URI.create("http://127.0.0.1:" + port + "/jsonrpc");
    this.token = "token:" + secret;
    this.timeout = timeout;
  }

  /** Whether an aria2 RPC server answers; asks {@code system.listMethods}, which needs no secret. */
  boolean answers() {
    try {
      return call("system.listMethods", JSON.createArrayNode()).isArray();
    } catch (IOException e) {
      return false;
    }
  }

  /** Adds a download of {@code url} and returns its GID. */
  String addUri(URI url, Map<String, Object> options) throws IOException {
    ArrayNode params = authorized();
    params.addArray().add(url.toString());
    params.add(JSON.valueToTree(options));
    return call("aria2.addUri", params).asText();
  }

  Aria2Status tellStatus(String gid) throws IOException {
    ArrayNode params = authorized().add(gid);
    STATUS_KEYS.forEach(params.addArray()::add);
    return Aria2Status.of(call("aria2.tellStatus", params));
  }

  /** Changes options of a running download ({@code max-download-limit}). */
  void changeOption(String gid, Map<String, Object> options) throws IOException {
    call("aria2.changeOption", authorized().add(gid).add(JSON.valueToTree(options)));
  }

  /** Changes the daemon's global options ({@code max-overall-download-limit}). */
  void changeGlobalOption(Map<String, Object> options) throws IOException {
    call("aria2.changeGlobalOption", authorized().add(JSON.valueToTree(options)));
  }

  /** Stops a download at once; aria2 keeps the partial file and saves its control file for a later resume. */
  void forceRemove(String gid) throws IOException {
    call("aria2.forceRemove", authorized().add(gid));
  }

  /** Forgets a stopped download, so the daemon's memory does not grow with every file. */
  void removeDownloadResult(String gid) throws IOException {
    call("aria2.removeDownloadResult", authorized().add(gid));
  }

  /** Stops the daemon gracefully, after a delay of 3 seconds that aria2 hard-codes. */
  void shutdown() throws IOException {
    call("aria2.shutdown", authorized());
  }

  private ArrayNode authorized() {
    return JSON.createArrayNode().add(token);
  }

  private JsonNode call(String method, ArrayNode params) throws IOException {
    ObjectNode body = JSON.createObjectNode()
        .put("jsonrpc", "2.0")
        .put("id", ids.incrementAndGet())
        .put("method", method);
    body.set("params", params);
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
        .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling aria2 " + method, e);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException("aria2 answered " + method + " with HTTP " + response.statusCode()
          + " and no JSON-RPC response", e);
    }
    JsonNode error = answer == null ? null : answer.get("error");
    if (error != null) {
      throw new Aria2RpcException(method, error.path("code").asInt(), error.path("message").asText());
    }
    if (answer == null || !answer.has("result")) {
      throw new IOException("aria2 answered " + method + " with HTTP " + response.statusCode() + " and no result");
    }
    return answer.get("result");
  }
}
