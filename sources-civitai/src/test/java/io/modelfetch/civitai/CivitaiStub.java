package io.modelfetch.civitai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.testing.FakeOrigin;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CivitAI on loopback: WireMock plays the site (API and download endpoint, addressed as
 * {@code localhost}), a {@link FakeOrigin} plays the presigned storage it redirects to (addressed as
 * {@code 127.0.0.1}, so a different host as far as credentials go). Responses follow the documented
 * shapes of research A2-A4; a version marked with {@link #requireAuth} is refused without a key it
 * accepts, as CivitAI refuses it.
 */
final class CivitaiStub implements AutoCloseable {
  final WireMockServer api;
  final FakeOrigin storage;
  private final AtomicInteger signatures = new AtomicInteger();
  /** API keys CivitAI knows (logged-in accounts), and per restricted version the keys granted access. */
  private final Set<String> accounts = ConcurrentHashMap.newKeySet();
  private final Map<Long, Set<String>> restricted = new ConcurrentHashMap<>();

  private CivitaiStub(WireMockServer api, FakeOrigin storage) {
    this.api = api;
    this.storage = storage;
  }

  static CivitaiStub start() throws IOException {
    WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    api.start();
    return new CivitaiStub(api, FakeOrigin.start());
  }

  /** The endpoint to configure: the stub under the host name {@code localhost}. */
  String endpoint() {
    return "http://localhost:" + api.port();
  }

  void reset() {
    api.resetAll();
    accounts.clear();
    restricted.clear();
  }

  /** An API key CivitAI knows: a logged-in account, with access only to what it was granted. */
  void account(String key) {
    accounts.add(key);
  }

  /**
   * Makes the download endpoint of {@code versionId} answer as CivitAI does for a version with
   * {@code requireAuth} (research A3, for a non-browser User-Agent): without a key, or with a key it
   * does not know, 401 and the login JSON; a known key without access, 403; only a {@code granted}
   * key gets the redirect to storage. The key counts as a {@code Bearer} header, or as
   * {@code ?token=} when no {@code Authorization} header is sent (the header is read first). Call it
   * before {@link #redirectDownload}.
   */
  void requireAuth(long versionId, String... granted) {
    restricted.put(versionId, Set.of(granted));
    accounts.addAll(List.of(granted));
  }

  void version(ObjectNode version) {
    api.stubFor(get(urlPathEqualTo("/api/v1/model-versions/" + version.path("id").asLong()))
        .willReturn(okJson(Fixtures.text(version))));
  }

  /** {@code /api/v1/models/ID} listing these versions, newest first, as that endpoint nests them. */
  void model(long modelId, String description, ObjectNode... versions) {
    ObjectNode model = Fixtures.JSON.createObjectNode();
    model.put("id", modelId);
    model.put("name", versions[0].path("model").path("name").asText());
    model.put("description", description);
    model.put("type", versions[0].path("model").path("type").asText());
    ArrayNode list = model.putArray("modelVersions");
    for (ObjectNode v : versions) {
      ObjectNode nested = v.deepCopy();
      nested.remove(List.of("model", "modelId"));
      list.add(nested);
    }
    api.stubFor(get(urlPathEqualTo("/api/v1/models/" + modelId)).willReturn(okJson(Fixtures.text(model))));
  }

  void byHash(String sha256, ObjectNode version) {
    api.stubFor(get(urlPathEqualTo("/api/v1/model-versions/by-hash/" + sha256))
        .willReturn(okJson(Fixtures.text(version))));
  }

  /** Puts the bytes on the storage host and returns their path there. */
  String store(String name, byte[] body) {
    String path = "/civitai-delivery-worker-prod/model/" + name;
    storage.file(path, body);
    return path;
  }

  /** The download endpoint answers with a 307 to a freshly "signed" storage URL, like CivitAI's. */
  void redirectDownload(long versionId, long fileId, String storagePath) {
    download(versionId, fileId, aResponse().withStatus(307)
        .withHeader("Location", storage.url(storagePath) + "?X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=sig" + signatures.incrementAndGet()));
  }

  void download(long versionId, long fileId, ResponseDefinitionBuilder response) {
    Set<String> granted = restricted.get(versionId);
    if (granted == null) {
      api.stubFor(endpoint(versionId, fileId).willReturn(response));
      return;
    }
    for (String key : accounts) {
      ResponseDefinitionBuilder answer = granted.contains(key) ? response : json(403,
          "{\"error\":\"You do not have access to download this file\"}");
      api.stubFor(endpoint(versionId, fileId).withHeader("Authorization", equalTo("Bearer " + key))
          .atPriority(1).willReturn(answer));
      api.stubFor(endpoint(versionId, fileId).withHeader("Authorization", absent())
          .withQueryParam("token", equalTo(key)).atPriority(1).willReturn(answer));
    }
    api.stubFor(endpoint(versionId, fileId).atPriority(9).willReturn(json(401, "{\"error\":\"Unauthorized\","
        + "\"message\":\"The creator of this asset requires you to be logged in to download it\"}")));
  }

  private static MappingBuilder endpoint(long versionId, long fileId) {
    return get(urlPathEqualTo("/api/download/models/" + versionId)).withQueryParam("fileId", equalTo(Long.toString(fileId)));
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
  }

  List<LoggedRequest> apiRequests() {
    return api.getAllServeEvents().stream().map(e -> e.getRequest()).toList();
  }

  @Override
  public void close() {
    api.stop();
    storage.close();
  }
}
