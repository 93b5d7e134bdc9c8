package io.modelfetch.civitai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.Metadata;
import io.modelfetch.Secret;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Downloads through the engine, with CivitAI and its storage on loopback. */
class CivitaiDownloadTest {
  private static final long MODEL = 827184;
  private static final long VERSION = 2514310;
  private static final long FILE = 2402203;
  private static CivitaiStub civitai;

  @TempDir
  Path dir;
  private final byte[] model = TestData.bytes(1_500_000, 42);
  private final String sha256 = TestData.sha256(model);
  private final RecordingListener events = new RecordingListener();
  private ObjectNode version;

  @BeforeAll
  static void start() throws Exception {
    civitai = CivitaiStub.start();
  }

  @AfterAll
  static void stop() {
    civitai.close();
  }

  @BeforeEach
  void stubTheModel() {
    civitai.reset();
    version = Fixtures.version(VERSION, MODEL, "WAI-illustrious-SDXL", "Checkpoint", "Illustrious");
    version.withArray("trainedWords").add("masterpiece");
    Fixtures.addFile(version, FILE - 1, "waiIllustriousSDXL_v160_trainingData.zip", "Training Data", null, null,
        false, TestData.sha256(new byte[1]));
    Fixtures.addFile(version, FILE, "waiIllustriousSDXL_v160.safetensors", "Model", "SafeTensor", "fp16", true, sha256);
    Fixtures.addImage(version, civitai.storage.url("/images/video.mp4"), "video");
    Fixtures.addImage(version, civitai.storage.url("/images/113034839.jpeg"), "image");
    civitai.storage.file("/images/113034839.jpeg", "JPEG".getBytes(StandardCharsets.US_ASCII));
    civitai.version(version);
    civitai.model(MODEL, "<p>the model</p>", version);
    civitai.redirectDownload(VERSION, FILE, civitai.store("bodhorV1.eq23.safetensors", model));
  }

  private Downloads.Builder downloads(Map<String, String> env) {
    return Downloads.builder()
        .environment(env)
        .connectionsPerFile(4)
        .retries(1)
        .connectTimeout(Duration.ofSeconds(5))
        .idleTimeout(Duration.ofSeconds(5))
        .listener(events);
  }

  private Downloads downloads() {
    return downloads(Map.of()).endpoint("civitai", civitai.endpoint()).token("civitai", Secret.of("builder-token"))
        .build();
  }

  @Test
  void downloadsTheLatestVersionsPrimaryFileThroughThePresignedRedirectAndVerifiesIt() throws Exception {
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      assertThat(downloads.resolvers()).contains("civitai");
      result = downloads.download(DownloadRequest.of("https://civitai.com/models/827184/wai-illustrious-sdxl")
          .into(dir));
    }
    DownloadedFile file = result.file();
    assertThat(file.path()).isEqualTo(dir.resolve("waiIllustriousSDXL_v160.safetensors"));
    assertThat(Files.readAllBytes(file.path())).isEqualTo(model);
    assertThat(file.sha256()).isEqualTo(sha256);
    assertThat(file.status()).isEqualTo(Status.DOWNLOADED);
    assertThat(file.url()).startsWith(civitai.storage.url("/civitai-delivery-worker-prod/"))
        .contains("X-Amz-Signature=***");
    Metadata m = file.metadata();
    assertThat(m.modelName()).hasValue("WAI-illustrious-SDXL");
    assertThat(m.versionName()).hasValue("v1.0");
    assertThat(m.modelType()).hasValue("Checkpoint");
    assertThat(m.baseModel()).hasValue("Illustrious");
    assertThat(m.trainedWords()).containsExactly("masterpiece");
    assertThat(m.format()).hasValue("SafeTensor");
    assertThat(m.precision()).hasValue("fp16");
    assertThat(m.autoV2()).hasValue(sha256.substring(0, 10).toUpperCase());
    assertThat(m.pageUrl()).hasValue("https://civitai.com/models/827184?modelVersionId=2514310");

    assertThat(civitai.apiRequests()).extracting(LoggedRequest::getUrl).contains(
        "/api/v1/models/827184", "/api/v1/model-versions/2514310", "/api/download/models/2514310?fileId=2402203");
    assertThat(civitai.apiRequests()).allSatisfy(r ->
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer builder-token"));
    assertThat(civitai.storage.requests()).isNotEmpty().allSatisfy(r ->
        assertThat(r.header("Authorization")).isEmpty());
    assertThat(civitai.storage.requests("/civitai-delivery-worker-prod/model/bodhorV1.eq23.safetensors"))
        .hasSizeGreaterThan(1);
  }

  @Test
  void writesTheInfoAndPreviewSidecarsAndTheA1111JsonWithoutOverwritingTheUsersOwn() throws Exception {
    Path userJson = dir.resolve("waiIllustriousSDXL_v160.json");
    try (Downloads downloads = downloads()) {
      DownloadResult first = downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310")
          .into(dir).option("civitai.a1111Json", "true"));
      assertThat(first.file().sidecars()).containsExactlyInAnyOrder(
          dir.resolve("waiIllustriousSDXL_v160.civitai.info"), dir.resolve("waiIllustriousSDXL_v160.preview.jpg"),
          userJson);
      Files.writeString(userJson, "{\"notes\": \"mine\"}");
      downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir)
          .option("civitai.a1111Json", "true"));
    }
    assertThat(Fixtures.JSON.readTree(dir.resolve("waiIllustriousSDXL_v160.civitai.info").toFile()))
        .isEqualTo(Fixtures.JSON.readTree(Fixtures.text(version)));
    assertThat(Files.readString(dir.resolve("waiIllustriousSDXL_v160.civitai.info"))).startsWith("{\n    \"id\": ");
    assertThat(Files.readString(dir.resolve("waiIllustriousSDXL_v160.preview.jpg"))).isEqualTo("JPEG");
    assertThat(Files.readString(userJson)).isEqualTo("{\"notes\": \"mine\"}");
    assertThat(civitai.storage.requests("/images/video.mp4")).isEmpty();
  }

  @Test
  void theA1111JsonCarriesTheModelDescriptionActivationTextAndSdVersion() throws Exception {
    try (Downloads downloads = downloads()) {
      downloads.download(DownloadRequest.of("civitai:827184@2514310").into(dir).option("civitai.a1111Json", "true"));
    }
    var json = Fixtures.JSON.readTree(dir.resolve("waiIllustriousSDXL_v160.json").toFile());
    assertThat(json.path("description").asText()).isEqualTo("<p>the model</p>");
    assertThat(json.path("activation text").asText()).isEqualTo("masterpiece");
    assertThat(json.path("sd version").asText()).isEqualTo("SDXL");
    assertThat(json.path("notes").asText()).isEqualTo("<p>version notes</p>");
  }

  @Test
  void sidecarsCanBeSwitchedOffPerRequestAndForAllDownloads() throws Exception {
    try (Downloads downloads = downloads()) {
      DownloadResult r = downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310")
          .into(dir).sidecars(false));
      assertThat(r.file().sidecars()).isEmpty();
    }
    try (Downloads downloads = downloads(Map.of()).endpoint("civitai", civitai.endpoint()).sidecars(false).build()) {
      downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir));
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("waiIllustriousSDXL_v160.safetensors");
    }
  }

  @Test
  void aTokenPastedInTheUrlIsSentAsAHeaderOnlyAndNeverPrinted() throws Exception {
    String url = "https://civitai.com/api/download/models/2514310?token=pasted-s3cret&fileId=2402203";
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      result = downloads.download(DownloadRequest.of(url).into(dir));
    }
    assertThat(civitai.apiRequests()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.getHeader("Authorization")).isEqualTo("Bearer pasted-s3cret");
      assertThat(r.getUrl()).doesNotContain("s3cret");
    });
    assertThat(civitai.storage.requests()).allSatisfy(r -> {
      assertThat(r.header("Authorization")).isEmpty();
      assertThat(r.target()).doesNotContain("s3cret");
    });
    assertThat(String.join("\n", events.events())).doesNotContain("s3cret");
    assertThat(events.resolved().toString()).doesNotContain("s3cret");
    assertThat(result.toString()).doesNotContain("s3cret");
  }

  @Test
  void theTokenComesFromTheBuilderElseCivitaiTokenElseCivitaiApiToken() throws Exception {
    Map<String, String> both = Map.of("CIVITAI_ENDPOINT", civitai.endpoint(), "CIVITAI_TOKEN", "env-token",
        "CIVITAI_API_TOKEN", "api-token");
    assertThat(bearerSentWith(downloads(both).token("civitai", Secret.of("builder-token")))).isEqualTo("Bearer builder-token");
    assertThat(bearerSentWith(downloads(both))).isEqualTo("Bearer env-token");
    assertThat(bearerSentWith(downloads(Map.of("CIVITAI_ENDPOINT", civitai.endpoint(), "CIVITAI_API_TOKEN", "api-token"))))
        .isEqualTo("Bearer api-token");
    assertThat(bearerSentWith(downloads(Map.of("CIVITAI_ENDPOINT", civitai.endpoint())))).isNull();
  }

  private String bearerSentWith(Downloads.Builder builder) throws Exception {
    civitai.api.resetRequests();
    try (Downloads downloads = builder.build()) {
      downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir).overwrite(true));
    }
    List<LoggedRequest> requests = civitai.apiRequests();
    assertThat(requests).isNotEmpty();
    return requests.get(0).getHeader("Authorization");
  }

  @Test
  void theEndpointFromTheEnvironmentTakesEveryRequestWhateverHostTheUrlNamed() throws Exception {
    try (Downloads downloads = downloads(Map.of("CIVITAI_ENDPOINT", civitai.endpoint() + "/")).build()) {
      downloads.download(DownloadRequest.of(
          "https://civitai.red/models/827184/wai-illustrious-sdxl?modelVersionId=2514310").into(dir));
    }
    assertThat(civitai.apiRequests()).extracting(LoggedRequest::getUrl)
        .contains("/api/v1/model-versions/2514310", "/api/download/models/2514310?fileId=2402203");
    assertThat(Files.readAllBytes(dir.resolve("waiIllustriousSDXL_v160.safetensors"))).isEqualTo(model);
  }

  @Test
  void anExpiredSignedUrlIsRenewedThroughTheDownloadEndpointWithTheTokenThereOnly() throws Exception {
    civitai.storage.file("/civitai-delivery-worker-prod/model/bodhorV1.eq23.safetensors", model).failRanges(1, 403);
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      result = downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir));
    }
    assertThat(Files.readAllBytes(result.path())).isEqualTo(model);
    List<LoggedRequest> links = civitai.apiRequests().stream()
        .filter(r -> r.getUrl().startsWith("/api/download/models/2514310")).toList();
    assertThat(links).hasSize(2).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer builder-token"));
    assertThat(civitai.storage.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    assertThat(events.notices()).anySatisfy(n -> assertThat(n).contains("expired"));
  }

  /** The first storage range gets a 403 (an expired link); the download endpoint then answers {@code renewal}. */
  private void linkExpiresThenTheEndpointAnswers(ResponseDefinitionBuilder renewal) {
    civitai.storage.file("/civitai-delivery-worker-prod/model/bodhorV1.eq23.safetensors", model).failRanges(1, 403);
    String signed = civitai.storage.url("/civitai-delivery-worker-prod/model/bodhorV1.eq23.safetensors")
        + "?X-Amz-Signature=first";
    civitai.api.stubFor(get(urlPathEqualTo("/api/download/models/" + VERSION)).inScenario("renewal")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("renewed")
        .willReturn(aResponse().withStatus(307).withHeader("Location", signed)));
    civitai.api.stubFor(get(urlPathEqualTo("/api/download/models/" + VERSION)).inScenario("renewal")
        .whenScenarioStateIs("renewed").willReturn(renewal));
  }

  @Test
  void aRevokedTokenWhenTheLinkIsRenewedFailsWithCivitaisOwnError() throws Exception {
    linkExpiresThenTheEndpointAnswers(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"Unauthorized\",\"message\":\"Invalid API key\"}"));

    try (Downloads downloads = downloads()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310")
          .into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.AUTHENTICATION_REQUIRED);
            assertThat(e.getMessage()).contains("CivitAI", "2402203", "waiIllustriousSDXL_v160.safetensors")
                .doesNotContain("builder-token");
          });
    }
    assertThat(dir.resolve("waiIllustriousSDXL_v160.safetensors")).doesNotExist();
    assertThat(civitai.storage.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
  }

  @Test
  void aLoginPageWhenTheLinkIsRenewedIsNotFollowedToTheStorage() throws Exception {
    linkExpiresThenTheEndpointAnswers(aResponse().withStatus(307).withHeader("Location",
        civitai.endpoint() + "/login?returnUrl=%2Fmodel-versions%2F2514310&reason=download-auth"));

    try (Downloads downloads = downloads()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310")
          .into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.AUTHENTICATION_REQUIRED);
            assertThat(e.getMessage()).contains("login");
          });
    }
    assertThat(civitai.apiRequests()).noneMatch(r -> r.getUrl().startsWith("/login"));
    assertThat(dir.resolve("waiIllustriousSDXL_v160.safetensors")).doesNotExist();
  }

  @Test
  void theFileCanBeChosenByOptionAndItsNameComesFromTheApi() throws Exception {
    byte[] zip = new byte[1];
    civitai.redirectDownload(VERSION, FILE - 1, civitai.store("training.zip", zip));
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      result = downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir)
          .option("civitai.type", "Training Data"));
    }
    assertThat(result.path().getFileName().toString()).isEqualTo("waiIllustriousSDXL_v160_trainingData.zip");
    assertThat(result.file().metadata().attributes()).containsEntry("civitai.fileType", "Training Data");
    assertThat(civitai.apiRequests()).extracting(LoggedRequest::getUrl)
        .contains("/api/download/models/2514310?fileId=2402202");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      https://civitai.com/models/827184                                                         | 2402203
      https://civitai.com/models/827184/wai-illustrious-sdxl                                    | 2402203
      https://civitai.com/models/827184?modelVersionId=2514310                                  | 2402203
      https://civitai.red/models/827184/wai-illustrious-sdxl?modelVersionId=2514310             | 2402203
      https://www.civitai.green/model-versions/2514310                                          | 2402203
      https://civitai.com/api/download/models/2514310                                           | 2402203
      https://civitai.com/api/download/models/2514310?type=Model&format=SafeTensor&fp=fp16      | 2402203
      https://civitai.com/api/download/models/2514310?type=Training%20Data                      | 2402202
      https://civitai.com/api/download/models/2514310?fileId=2402202                            | 2402202
      https://api.civitai.com/download/models/2514310                                           | 2402203
      urn:air:sdxl:checkpoint:civitai:827184@2514310                                            | 2402203
      urn:air:sdxl:checkpoint:civitai:827184@2514310+2402202                                    | 2402202
      air:sdxl:checkpoint:civitai:827184@2514310.safetensor                                     | 2402203
      sdxl:checkpoint:civitai:827184                                                            | 2402203
      civitai:827184@2514310                                                                    | 2402203
      """)
  void everyAcceptedFormResolvesThroughTheApiToTheRightFile(String source, long fileId) throws Exception {
    civitai.redirectDownload(VERSION, FILE - 1, civitai.store("training.zip", new byte[1]));
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      result = downloads.download(DownloadRequest.of(source).into(dir));
    }
    assertThat(result.file().metadata().attributes()).containsEntry("civitai.fileId", Long.toString(fileId));
    assertThat(civitai.apiRequests()).extracting(LoggedRequest::getUrl)
        .contains("/api/download/models/2514310?fileId=" + fileId);
  }

  @Test
  void aModelUrlWithoutVersionTakesTheNewestPublishedVersion() throws Exception {
    ObjectNode draft = Fixtures.version(2600000, MODEL, "WAI-illustrious-SDXL", "Checkpoint", "Illustrious");
    draft.put("status", "Draft");
    ObjectNode older = Fixtures.version(2400000, MODEL, "WAI-illustrious-SDXL", "Checkpoint", "Illustrious");
    civitai.model(MODEL, "<p>the model</p>", draft, version, older);
    try (Downloads downloads = downloads()) {
      downloads.download(DownloadRequest.of("https://civitai.com/models/827184").into(dir));
    }
    assertThat(civitai.apiRequests()).extracting(LoggedRequest::getUrl).contains("/api/v1/model-versions/2514310")
        .doesNotContain("/api/v1/model-versions/2600000", "/api/v1/model-versions/2400000");
  }

  @Test
  void runningTheSameDownloadAgainFindsTheFileInPlace() throws Exception {
    try (Downloads downloads = downloads()) {
      downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir));
      DownloadResult again = downloads.download(DownloadRequest.of("https://civitai.com/model-versions/2514310").into(dir));
      assertThat(again.file().status()).isEqualTo(Status.ALREADY_PRESENT);
      assertThat(again.bytesTransferred()).isZero();
    }
  }

  @Test
  void noRequestEverCarriesTheTokenToAHostThatIsNotCivitais() throws Exception {
    try (Downloads downloads = downloads()) {
      downloads.download(DownloadRequest.of("https://civitai.com/models/827184").into(dir));
    }
    List<RecordedRequest> storage = civitai.storage.requests();
    assertThat(storage).extracting(RecordedRequest::path)
        .contains("/civitai-delivery-worker-prod/model/bodhorV1.eq23.safetensors", "/images/113034839.jpeg");
    assertThat(storage).allSatisfy(r -> assertThat(r.headers().toString()).doesNotContain("builder-token"));
  }
}
