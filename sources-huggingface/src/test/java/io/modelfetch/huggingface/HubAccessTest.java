package io.modelfetch.huggingface;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private and gated repositories against a Hub that refuses them as huggingface.co does: with the
 * right token they download and the token stays on the Hub; without it, or with another, the
 * download fails with the kind and advice that fit, saves nothing and never reaches the CDN.
 */
class HubAccessTest {
  private static final String TOKEN = "hf_0wner_t0ken";
  private static final String OTHER = "hf_0ther_t0ken";
  private static final byte[] WEIGHTS = TestData.bytes(1 << 20, 21);
  private static final byte[] CONFIG = "{\"model_type\": \"tiny\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path tmp;
  private FakeHub fake;

  @BeforeEach
  void start() throws Exception {
    fake = FakeHub.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void aPrivateRepositoryDownloadsWithItsTokenWhichStaysOnTheHub() throws Exception {
    fake.repo("", "org/secret").privateTo(TOKEN).lfs("model.safetensors", WEIGHTS).git("config.json", CONFIG)
        .publish("main", 10);
    Path out = tmp.resolve("out");
    try (Downloads d = downloads(TOKEN)) {
      d.download(DownloadRequest.of("https://huggingface.co/org/secret").into(out));
    }
    assertThat(Files.readAllBytes(out.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    assertThat(Files.readAllBytes(out.resolve("config.json"))).isEqualTo(CONFIG);
    assertThat(fake.hubRequests()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(fake.cdnRequests()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.headers() + r.target()).doesNotContain(TOKEN));
  }

  @Test
  void aPrivateRepositoryWithoutATokenNeedsAuthenticationAndSuggestsHfToken() throws Exception {
    fake.repo("", "org/secret").privateTo(TOKEN).lfs("model.safetensors", WEIGHTS).publish("main", 10);
    for (String source : List.of("https://huggingface.co/org/secret", "hf://org/secret/model.safetensors")) {
      DownloadException e = failure(source, null);
      assertThat(e.kind()).as(source).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
      assertThat(e.getMessage()).as(source).contains("org/secret", "private", "HF_TOKEN");
    }
    assertThat(fake.hubRequests()).isNotEmpty().allSatisfy(r -> assertThat(r.containsHeader("Authorization")).isFalse());
  }

  @Test
  void aPrivateRepositoryWithAnotherTokenSaysTheTokenWasRejected() throws Exception {
    fake.repo("", "org/secret").privateTo(TOKEN).lfs("model.safetensors", WEIGHTS).publish("main", 10);
    DownloadException e = failure("hf://org/secret/model.safetensors", OTHER);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("rejected", "settings/tokens");
  }

  @Test
  void aGatedRepositoryDownloadsWithTheTokenOfAnAccountThatAcceptedIt() throws Exception {
    fake.repo("", "org/gated").gatedFor(TOKEN).lfs("model.safetensors", WEIGHTS).publish("main", 10);
    try (Downloads d = downloads(TOKEN)) {
      Path file = d.download(DownloadRequest.of("hf://org/gated/model.safetensors").into(tmp)).path();
      assertThat(Files.readAllBytes(file)).isEqualTo(WEIGHTS);
    }
    assertThat(fake.cdnRequests()).isNotEmpty().allSatisfy(r -> assertThat(r.headers().toString()).doesNotContain(TOKEN));
  }

  @Test
  void aGatedRepositoryWithoutATokenAsksToAcceptItsConditionsAndSetHfToken() throws Exception {
    fake.repo("", "org/gated").gatedFor(TOKEN).lfs("model.safetensors", WEIGHTS).publish("main", 10);
    DownloadException e = failure("https://huggingface.co/org/gated", null);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("gated", "HF_TOKEN");
  }

  @Test
  void aGatedRepositoryWithATokenWithoutAccessIsAccessDenied() throws Exception {
    fake.repo("datasets/", "org/gated-set").gatedFor(TOKEN).lfs("data.parquet", WEIGHTS).publish("main", 10);
    DownloadException e = failure("https://huggingface.co/datasets/org/gated-set", OTHER);
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("gated", "accept its conditions");
  }

  /**
   * A listing page whose {@code Link: rel="next"} points at another host (a hostile or misconfigured
   * mirror): the next page may be asked for, but never with the token.
   */
  @Test
  void theTokenDoesNotFollowTheListingsNextPageToAnotherHost() throws Exception {
    String api = "/api/models/org/paged";
    fake.hub.stubFor(get(urlPathEqualTo(api + "/revision/main")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"org/paged\",\"sha\":\"" + FakeHub.COMMIT + "\"}")));
    String next = fake.cdn.urlOnOtherHost(api + "/tree/" + FakeHub.COMMIT + "?recursive=true&cursor=c1");
    fake.hub.stubFor(get(urlPathEqualTo(api + "/tree/" + FakeHub.COMMIT)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withHeader("Link", "<" + next + ">; rel=\"next\"")
        .withBody("[]")));
    fake.cdn.page(api + "/tree/" + FakeHub.COMMIT, 200, "application/json", "[]");
    try (Downloads d = downloads(TOKEN)) {
      d.download(DownloadRequest.of("https://huggingface.co/org/paged").into(tmp.resolve("paged")));
    } catch (DownloadException e) {
      assertThat(e.getMessage()).doesNotContain(TOKEN);
    }
    assertThat(fake.cdn.requests(api + "/tree/" + FakeHub.COMMIT)).as("the next page was asked for").isNotEmpty()
        .allSatisfy(r -> assertThat(r.headers().toString()).doesNotContain(TOKEN));
  }

  private Downloads downloads(String token) {
    Downloads.Builder b = Downloads.builder().endpoint("huggingface", fake.base())
        .environment(FakeHub.env("HOME", tmp.resolve("home").toString()))
        .connectionsPerFile(2).retries(0).idleTimeout(Duration.ofSeconds(5));
    if (token != null) {
      b.token("huggingface", Secret.of(token));
    }
    return b.build();
  }

  /** Downloads {@code source}, which must fail without saving a file, fetching from the CDN or printing a token. */
  private DownloadException failure(String source, String token) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("failed"));
    DownloadException failure = null;
    try (Downloads d = downloads(token)) {
      d.download(DownloadRequest.of(source).into(out));
    } catch (DownloadException e) {
      failure = e;
    }
    assertThat(failure).as("the download of %s must fail", source).isNotNull();
    assertThat(failure.getMessage()).doesNotContain(TOKEN).doesNotContain(OTHER);
    assertThat(fake.cdnRequests()).as("nothing fetched from the CDN").isEmpty();
    try (var files = Files.list(out)) {
      assertThat(files).as("nothing saved").isEmpty();
    }
    List<LoggedRequest> hub = fake.hubRequests();
    assertThat(hub).as("the Hub was asked").isNotEmpty();
    return failure;
  }
}
