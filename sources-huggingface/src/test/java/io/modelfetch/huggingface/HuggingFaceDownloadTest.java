package io.modelfetch.huggingface;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.DownloadedFile.Status;
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

/** Files and snapshots downloaded through the real engine, from the fake Hub and its CDN. */
class HuggingFaceDownloadTest {
  private static final byte[] BIG = TestData.bytes(3 << 20, 11);
  private static final byte[] UNET = TestData.bytes(200_000, 12);
  private static final byte[] CONFIG = "{\"model_type\": \"tiny\"}\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TOKENIZER = "{\"vocab\": {\"a\": 1}}\n".getBytes(StandardCharsets.UTF_8);

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

  /** Discovers the resolver through META-INF/services, as applications do. */
  private Downloads.Builder downloads() {
    return Downloads.builder()
        .endpoint("huggingface", fake.base())
        .environment(FakeHub.env("HOME", tmp.resolve("home").toString()))
        .token("huggingface", Secret.of("hf_secret_token"))
        .connectionsPerFile(4)
        .retries(2)
        .idleTimeout(Duration.ofSeconds(5));
  }

  private void publishRepo() {
    fake.repo("", "org/tiny")
        .lfs("model.safetensors", BIG)
        .lfs("unet/diffusion_pytorch_model.safetensors", UNET)
        .git("config.json", CONFIG)
        .git("tokenizer/sub/tokenizer.json", TOKENIZER)
        .publish("main", 3);
  }

  @Test
  void downloadsAWholeRepositoryWithSubfoldersVerifiedAndWithoutTheTokenAtTheCdn() throws Exception {
    publishRepo();
    Path out = tmp.resolve("out");

    DownloadResult result;
    try (Downloads d = downloads().build()) {
      assertThat(d.resolvers()).contains("huggingface");
      result = d.download(DownloadRequest.of("https://huggingface.co/org/tiny").into(out));
    }

    assertThat(Files.readAllBytes(out.resolve("model.safetensors"))).isEqualTo(BIG);
    assertThat(Files.readAllBytes(out.resolve("unet/diffusion_pytorch_model.safetensors"))).isEqualTo(UNET);
    assertThat(Files.readAllBytes(out.resolve("config.json"))).isEqualTo(CONFIG);
    assertThat(Files.readAllBytes(out.resolve("tokenizer/sub/tokenizer.json"))).isEqualTo(TOKENIZER);
    assertThat(result.files()).hasSize(4).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.DOWNLOADED));
    assertThat(result.files()).extracting(DownloadedFile::sha256)
        .contains(TestData.sha256(BIG), TestData.sha256(UNET));
    assertThat(result.bytesTransferred()).isGreaterThanOrEqualTo(BIG.length + UNET.length);

    assertThat(fake.cdnRequests()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty())
        .allSatisfy(r -> assertThat(r.host()).startsWith("localhost"));
    assertThat(fake.cdnRequests()).filteredOn(r -> r.path().equals("/repos/" + TestData.sha256(BIG)))
        .as("the 3 MiB file is split into ranges").hasSizeGreaterThan(2);
    List<LoggedRequest> hub = fake.hubRequests();
    assertThat(hub).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer hf_secret_token"));
    assertThat(hub).as("LFS bytes never come through the Hub").noneMatch(r -> r.getMethod().getName().equals("GET")
        && r.getUrl().contains("/resolve/") && r.getUrl().endsWith(".safetensors"));
  }

  @Test
  void aSecondRunFindsEveryFileInPlaceAndTransfersNothing() throws Exception {
    publishRepo();
    Path out = tmp.resolve("out");
    try (Downloads d = downloads().build()) {
      d.download(DownloadRequest.of("hf://org/tiny").into(out));
      int cdnBefore = fake.cdnRequests().size();
      int hubHeadsBefore = heads();

      DownloadResult again = d.download(DownloadRequest.of("hf://org/tiny").into(out));

      assertThat(again.files()).hasSize(4).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.ALREADY_PRESENT));
      assertThat(again.bytesTransferred()).isZero();
      assertThat(fake.cdnRequests()).hasSize(cdnBefore);
      assertThat(heads()).as("no metadata request for files already in place").isEqualTo(hubHeadsBefore);
    }
  }

  @Test
  void aSingleFileUrlLandsByItsNameInTheFolder() throws Exception {
    fake.repo("", "org/tiny").lfs("unet/diffusion_pytorch_model.safetensors", UNET);

    DownloadResult result;
    try (Downloads d = downloads().build()) {
      result = d.download(DownloadRequest.of(
          "https://huggingface.co/org/tiny/blob/main/unet/diffusion_pytorch_model.safetensors").into(tmp));
    }

    assertThat(result.path()).isEqualTo(tmp.resolve("diffusion_pytorch_model.safetensors"));
    assertThat(Files.readAllBytes(result.path())).isEqualTo(UNET);
    assertThat(result.metadata().source()).contains("huggingface");
    assertThat(fake.cdnRequests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
  }

  @Test
  void aSmallFileThatDoesNotMatchItsGitBlobIdIsRejected() {
    fake.hub.stubFor(request("HEAD", urlPathEqualTo("/org/tiny/resolve/main/config.json")).willReturn(aResponse()
        .withStatus(200).withHeader("ETag", "\"" + FakeHub.gitBlobSha1(TOKENIZER) + "\"")
        .withHeader("X-Repo-Commit", FakeHub.COMMIT).withHeader("Content-Length", String.valueOf(CONFIG.length))
        .withBody(CONFIG)));
    fake.hub.stubFor(request("GET", urlPathEqualTo("/org/tiny/resolve/main/config.json"))
        .willReturn(aResponse().withStatus(200).withBody(CONFIG)));

    try (Downloads d = downloads().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of("hf://org/tiny/config.json").into(tmp)))
          .isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH))
          .hasMessageContaining("git blob");
    }
    assertThat(tmp.resolve("config.json")).doesNotExist();
  }

  @Test
  void anExpiredSignedUrlIsRefreshedThroughTheResolveUrlAtThePinnedCommit() throws Exception {
    fake.repo("", "org/tiny").lfs("model.safetensors", BIG);
    fake.cdn.file("/repos/" + TestData.sha256(BIG), BIG).etag("\"" + TestData.sha256(BIG) + "\"").failRanges(1, 403);

    DownloadResult result;
    try (Downloads d = downloads().build()) {
      result = d.download(DownloadRequest.of("hf://org/tiny/model.safetensors").into(tmp));
    }

    assertThat(Files.readAllBytes(result.path())).isEqualTo(BIG);
    assertThat(fake.hubRequests()).filteredOn(r -> r.getMethod().getName().equals("GET"))
        .extracting(LoggedRequest::getUrl).containsExactly("/org/tiny/resolve/" + FakeHub.COMMIT + "/model.safetensors");
    assertThat(fake.cdnRequests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
  }

  private int heads() {
    return (int) fake.hubRequests().stream().filter(r -> r.getMethod().getName().equals("HEAD")).count();
  }
}
