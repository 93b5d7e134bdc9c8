package io.modelfetch.civitai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
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

/**
 * A version whose download needs an API key (CivitAI's {@code requireAuth}), against a stub that
 * refuses it as CivitAI does: the right key downloads it and stays on CivitAI's host; no key, an
 * unknown key or a key without access fail with the kind and advice that fit, and save nothing.
 */
class CivitaiTokenTest {
  private static final long VERSION = 2514310;
  private static final long FILE = 2402203;
  private static final String URL = "https://civitai.com/model-versions/" + VERSION;
  private static final String GRANTED = "granted-k3y";
  private static CivitaiStub civitai;

  @TempDir
  Path dir;
  private final byte[] model = TestData.bytes(700_000, 8);

  @BeforeAll
  static void start() throws Exception {
    civitai = CivitaiStub.start();
  }

  @AfterAll
  static void stop() {
    civitai.close();
  }

  @BeforeEach
  void stubARestrictedVersion() {
    civitai.reset();
    ObjectNode version = Fixtures.version(VERSION, 827184, "WAI", "Checkpoint", "Illustrious");
    Fixtures.addFile(version, FILE, "wai.safetensors", "Model", "SafeTensor", "fp16", true, TestData.sha256(model));
    civitai.version(version);
    civitai.account("other-account-k3y");
    civitai.requireAuth(VERSION, GRANTED);
    civitai.redirectDownload(VERSION, FILE, civitai.store("wai.safetensors", model));
  }

  @Test
  void theGrantedKeyDownloadsItAndReachesOnlyCivitai() throws Exception {
    try (Downloads d = downloads(GRANTED)) {
      Path file = d.download(DownloadRequest.of(URL).into(dir)).path();
      assertThat(Files.readAllBytes(file)).isEqualTo(model);
    }
    List<LoggedRequest> endpoint = downloadEndpointRequests();
    assertThat(endpoint).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + GRANTED));
    assertThat(civitai.storage.requests()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.header("Authorization")).isEmpty();
      assertThat(r.target()).doesNotContain(GRANTED);
      assertThat(r.headers().toString()).doesNotContain(GRANTED);
    });
  }

  @Test
  void theGrantedKeyPastedInTheUrlWorksToo() throws Exception {
    try (Downloads d = downloads(null)) {
      Path file = d.download(DownloadRequest.of("https://civitai.com/api/download/models/" + VERSION
          + "?fileId=" + FILE + "&token=" + GRANTED).into(dir)).path();
      assertThat(Files.readAllBytes(file)).isEqualTo(model);
    }
    assertThat(civitai.storage.requests()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.headers() + r.target()).doesNotContain(GRANTED));
  }

  @Test
  void withoutAKeyItNeedsAuthenticationAndSaysWhereToGetOne() throws Exception {
    DownloadException e = failure(null);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("CIVITAI_TOKEN");
    assertThat(downloadEndpointRequests()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.containsHeader("Authorization")).isFalse());
  }

  @Test
  void anUnknownKeyIsRejectedAsAuthenticationRequiredAndNotPrinted() throws Exception {
    DownloadException e = failure("wrong-k3y");
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("did not accept the token").doesNotContain("wrong-k3y");
  }

  @Test
  void aKeyWithoutAccessIsAccessDenied() throws Exception {
    DownloadException e = failure("other-account-k3y");
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("do not have access").doesNotContain("other-account-k3y");
  }

  @Test
  void theCivitaiKeyNeverReachesAnotherHostsDirectDownload() throws Exception {
    civitai.storage.file("/elsewhere/model.safetensors", model);
    try (Downloads d = downloads(GRANTED)) {
      d.download(DownloadRequest.of(civitai.storage.url("/elsewhere/model.safetensors")).into(dir));
    }
    assertThat(civitai.storage.requests("/elsewhere/model.safetensors")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.headers().toString()).doesNotContain(GRANTED));
    assertThat(civitai.apiRequests()).as("a direct URL is not CivitAI's business").isEmpty();
  }

  private Downloads downloads(String key) {
    Downloads.Builder b = Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", civitai.endpoint()))
        .connectionsPerFile(2).retries(0).connectTimeout(Duration.ofSeconds(5)).idleTimeout(Duration.ofSeconds(5));
    if (key != null) {
      b.token("civitai", Secret.of(key));
    }
    return b.build();
  }

  private DownloadException failure(String key) throws Exception {
    int storageBefore = civitai.storage.requests().size();
    DownloadException failure = null;
    try (Downloads d = downloads(key)) {
      d.download(DownloadRequest.of(URL).into(dir));
    } catch (DownloadException e) {
      failure = e;
    }
    assertThat(failure).as("the download must fail").isNotNull();
    assertThat(civitai.storage.requests()).as("nothing fetched from storage").hasSize(storageBefore);
    try (var files = Files.list(dir)) {
      assertThat(files).as("nothing saved").isEmpty();
    }
    return failure;
  }

  private List<LoggedRequest> downloadEndpointRequests() {
    return civitai.apiRequests().stream().filter(r -> r.getUrl().startsWith("/api/download/")).toList();
  }
}
