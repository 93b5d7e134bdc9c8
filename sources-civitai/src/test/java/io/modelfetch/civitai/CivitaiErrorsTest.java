package io.modelfetch.civitai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every documented failure of CivitAI (research A3) becomes an error that says what to do, and no file. */
class CivitaiErrorsTest {
  private static final String URL = "https://civitai.com/model-versions/2514310";
  private static CivitaiStub civitai;

  @TempDir
  Path dir;
  private final byte[] model = TestData.bytes(10_000, 7);

  @BeforeAll
  static void start() throws Exception {
    civitai = CivitaiStub.start();
  }

  @AfterAll
  static void stop() {
    civitai.close();
  }

  @BeforeEach
  void stubTheVersion() {
    civitai.reset();
    ObjectNode version = Fixtures.version(2514310, 827184, "WAI", "Checkpoint", "Illustrious");
    Fixtures.addFile(version, 2402203, "wai.safetensors", "Model", "SafeTensor", "fp16", true, TestData.sha256(model));
    civitai.version(version);
  }

  private DownloadException failure(String token) {
    Downloads.Builder builder = Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", civitai.endpoint()))
        .retries(0).connectTimeout(Duration.ofSeconds(5));
    if (token != null) {
      builder.token("civitai", Secret.of(token));
    }
    try (Downloads downloads = builder.build()) {
      downloads.download(DownloadRequest.of(URL).into(dir));
      throw new AssertionError("the download should have failed");
    } catch (DownloadException e) {
      return e;
    }
  }

  @ParameterizedTest(name = "{0} {1} with token {3}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      401 | {"error":"Unauthorized","message":"The creator of this asset requires you to be logged in to download it"} | AUTHENTICATION_REQUIRED | -      | set CIVITAI_TOKEN
      401 | {"error":"Unauthorized","message":"The creator of this asset requires you to be logged in to download it"} | AUTHENTICATION_REQUIRED | t0ken  | did not accept the token
      401 | {"error":"Unauthorized","message":"The creator of this asset has disabled downloads on this file"}          | ACCESS_DENIED           | t0ken  | disabled downloads
      403 | {"error":"Early Access","deadline":"2026-12-24T00:00:00.000Z","message":"This asset is in Early Access. You can use Buzz access it now!"} | ACCESS_DENIED | t0ken | Early Access until 2026-12-24T00:00:00.000Z
      403 | {"error":"Early Access","deadline":"2026-12-24T00:00:00.000Z"}                                              | ACCESS_DENIED           | -      | set CIVITAI_TOKEN
      403 | {"error":"You do not have access to download this file"}                                                   | ACCESS_DENIED           | t0ken  | do not have access
      403 | {"error":"Forbidden"}                                                                                      | ACCESS_DENIED           | t0ken  | blocked
      404 | {"error":"File not found"}                                                                                 | NOT_FOUND               | t0ken  | File not found
      410 | {"error":"Model archived, not available for download"}                                                     | NOT_FOUND               | t0ken  | archived
      429 | {"error":"We've noticed an unusual amount of downloading from your account. Contact support@civitai.com or come back later."} | RATE_LIMITED | t0ken | wait a few minutes
      400 | {"error":"Invalid enum value. Expected 'SafeTensor'"}                                                      | INVALID_REQUEST         | t0ken  | Invalid enum value
      500 | Internal Server Error                                                                                      | NETWORK                 | t0ken  | try again later
      """)
  void downloadEndpointStatusesBecomeErrorsThatSayWhatToDo(int status, String body, Kind kind, String token,
      String advice) throws Exception {
    civitai.download(2514310, 2402203, aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body));
    DownloadException e = failure(token);
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.getMessage()).contains(advice).doesNotContain("t0ken");
    assertNothingSaved();
  }

  @Test
  void aRedirectToTheLoginPageIsAuthenticationRequired() throws Exception {
    civitai.download(2514310, 2402203, aResponse().withStatus(307)
        .withHeader("Location", "/login?returnUrl=%2Fmodel-versions%2F2514310&reason=download-auth"));
    DownloadException e = failure(null);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("CIVITAI_TOKEN", "https://civitai.com/user/account");
    assertNothingSaved();
  }

  @Test
  void aLoginRedirectToAnotherColourDomainIsAuthenticationRequiredToo() throws Exception {
    civitai.download(2514310, 2402203, aResponse().withStatus(307).withHeader("Location",
        "https://civitai.red/login?returnUrl=%2Fmodel-versions%2F2514310&reason=download-auth"));
    assertThat(failure("t0ken").kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
  }

  @Test
  void aRedirectToTheModelPageIsReportedAsEarlyAccessLikeDenial() throws Exception {
    civitai.download(2514310, 2402203, aResponse().withStatus(307).withHeader("Location", "/model-versions/2514310"));
    DownloadException e = failure("t0ken");
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("Early Access");
  }

  @Test
  void anHtmlPageInsteadOfTheFileIsNeverSaved() throws Exception {
    civitai.download(2514310, 2402203, aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<html><head><title>Sign in | Civitai</title></head></html>"));
    assertThat(failure(null).kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertNothingSaved();
  }

  @Test
  void aJsonBodyInsteadOfTheFileIsNeverSaved() throws Exception {
    civitai.download(2514310, 2402203, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"Unauthorized\"}"));
    DownloadException e = failure("t0ken");
    assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
    assertThat(e.getMessage()).contains("application/json", "Unauthorized");
    assertNothingSaved();
  }

  @Test
  void storageThatAnswersWithJsonIsNeverSavedEither() throws Exception {
    civitai.storage.page("/civitai-delivery-worker-prod/model/wai.safetensors", 200, "application/json",
        "{\"error\":\"Unauthorized\"}");
    civitai.redirectDownload(2514310, 2402203, "/civitai-delivery-worker-prod/model/wai.safetensors");
    assertThat(failure("t0ken").kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
    assertNothingSaved();
  }

  @Test
  void aVersionTheApiDoesNotKnowIsNotFound() throws Exception {
    civitai.api.stubFor(get(urlPathEqualTo("/api/v1/model-versions/2514310")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"No version with id 2514310\"}")));
    DownloadException e = failure(null);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("model version 2514310", "https://civitai.com/model-versions/2514310");
  }

  @Test
  void anArchivedModelWhoseFilesTheApiDroppedIsNotFound() throws Exception {
    ObjectNode archived = Fixtures.version(2514310, 827184, "WAI", "Checkpoint", "Illustrious");
    archived.withObjectProperty("model").put("mode", "Archived");
    civitai.version(archived);
    DownloadException e = failure(null);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("archived");
  }

  @Test
  void aModelVersionOfAnotherModelIsRefused() throws Exception {
    try (Downloads downloads = Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", civitai.endpoint()))
        .retries(0).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(
          "https://civitai.com/models/1?modelVersionId=2514310").into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("belongs to model 827184");
          });
    }
  }

  @Test
  void anUnknownCivitaiOptionIsRefusedBeforeAnyRequest() throws Exception {
    try (Downloads downloads = Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", civitai.endpoint()))
        .build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(URL).into(dir).option("civitai.fromat", "GGUF")))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("civitai.fromat", "civitai.format");
          });
    }
    assertThat(civitai.apiRequests()).isEmpty();
  }

  @Test
  void aRateLimitIsRetriedAsTheServerAsksAndThenDownloads() throws Exception {
    civitai.storage.file("/civitai-delivery-worker-prod/model/wai.safetensors", model);
    civitai.api.stubFor(get(urlPathEqualTo("/api/download/models/2514310")).inScenario("limited")
        .whenScenarioStateIs(STARTED).willSetStateTo("calm")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0").withBody("{\"error\":\"slow down\"}")));
    civitai.api.stubFor(get(urlPathEqualTo("/api/download/models/2514310")).inScenario("limited")
        .whenScenarioStateIs("calm").willReturn(aResponse().withStatus(307).withHeader("Location",
            civitai.storage.url("/civitai-delivery-worker-prod/model/wai.safetensors") + "?X-Amz-Signature=s")));
    try (Downloads downloads = Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", civitai.endpoint()))
        .retries(2).build()) {
      assertThat(Files.readAllBytes(downloads.download(DownloadRequest.of(URL).into(dir)).path())).isEqualTo(model);
    }
  }

  @Test
  void aMalformedEndpointIsNamedInTheError() throws Exception {
    try (Downloads downloads = Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", "civitai.example")).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(URL).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("CIVITAI_ENDPOINT", "civitai.example");
          });
    }
  }

  private void assertNothingSaved() throws Exception {
    try (var files = Files.list(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith("wai."))).isEmpty();
    }
  }
}
