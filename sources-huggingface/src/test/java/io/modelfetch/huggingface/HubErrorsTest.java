package io.modelfetch.huggingface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each error the Hub names in X-Error-Code / X-Error-Message becomes an error that says what to do. */
class HubErrorsTest {
  private static final String FILE = "/org/name/resolve/main/model.bin";
  private static final String TOKEN = "hf_do_not_print_me";

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
  void aGatedRepositoryWithoutATokenAsksToAcceptAndSetHfToken() {
    fake.error("HEAD", FILE, 401, "GatedRepo", "Access to model org/name is restricted. Please log in.");
    DownloadException e = download("hf://org/name/model.bin", false);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("gated", fake.base() + "/org/name", "HF_TOKEN",
        "https://huggingface.co/settings/tokens");
  }

  @Test
  void aGatedRepositoryWithATokenAsksToAcceptTheConditions() {
    fake.error("HEAD", FILE, 403, "GatedRepo", "Access to model org/name is restricted.");
    DownloadException e = download("hf://org/name/model.bin", true);
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("gated", "accept its conditions at " + fake.base() + "/org/name",
        "the token given to Downloads.builder()");
  }

  @Test
  void aMissingOrPrivateRepositoryWithoutATokenSuggestsHfToken() {
    fake.error("HEAD", FILE, 401, "RepoNotFound", "Repository not found");
    DownloadException e = download("hf://org/name/model.bin", false);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("org/name was not found", "private", "HF_TOKEN");
  }

  @Test
  void aMissingRepositoryWithATokenIsNotFound() {
    fake.error("GET", "/api/datasets/org/set/revision/main", 404, "RepoNotFound", "Repository not found");
    DownloadException e = download("https://huggingface.co/datasets/org/set", true);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("datasets/org/set was not found");
  }

  @Test
  void aMissingFileNamesThePathAndWhereToLook() {
    fake.error("HEAD", FILE, 404, "EntryNotFound", "Entry not found");
    DownloadException e = download("hf://org/name/model.bin", true);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("'model.bin' does not exist", fake.base() + "/org/name/tree/main");
  }

  @Test
  void aMissingRevisionNamesIt() {
    fake.error("GET", "/api/models/org/name/revision/refs%2Fpr%2F9", 404, "RevisionNotFound", "Invalid rev id");
    DownloadException e = download("hf://org/name@refs/pr/9", true);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("revision 'refs/pr/9' does not exist in org/name");
  }

  @Test
  void aDisabledRepositoryIsRecognisedByItsMessage() {
    fake.error("HEAD", FILE, 403, null, "Access to this resource is disabled.");
    DownloadException e = download("hf://org/name/model.bin", true);
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("disabled");
  }

  @Test
  void aRejectedTokenSaysWhereItCameFromAndHowToReplaceIt() {
    fake.error("HEAD", FILE, 401, null, "Invalid credentials in Authorization header");
    DownloadException e = download("hf://org/name/model.bin", true);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("rejected the token given to Downloads.builder()", "settings/tokens");
  }

  @Test
  void rateLimitingSaysWhenTheWindowResets() {
    fake.error("HEAD", FILE, 429, null, null, "RateLimit", "\"resolvers\";r=0;t=217",
        "RateLimit-Policy", "\"fixed window\";\"resolvers\";q=3000;w=300");
    DownloadException e = download("hf://org/name/model.bin", false);
    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.getMessage()).contains("217 s", "HF_TOKEN");
  }

  @Test
  void aForbiddenFileWithATokenAsksForPermissions() {
    fake.error("HEAD", FILE, 403, null, "Forbidden");
    DownloadException e = download("hf://org/name/model.bin", true);
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("lacks permission");
  }

  @Test
  void aServerErrorIsANetworkProblem() {
    fake.error("HEAD", FILE, 503, null, null);
    DownloadException e = download("hf://org/name/model.bin", true);
    assertThat(e.kind()).isEqualTo(Kind.NETWORK);
  }

  /** Downloads with no retries, and checks that the error never shows the token. */
  private DownloadException download(String url, boolean withToken) {
    Downloads.Builder b = Downloads.builder().endpoint("huggingface", fake.base()).retries(0)
        .environment(FakeHub.env("HOME", tmp.toString()));
    if (withToken) {
      b.token("huggingface", Secret.of(TOKEN));
    }
    DownloadException e;
    try (Downloads d = b.build()) {
      e = catchThrowableOfType(DownloadException.class, () -> d.download(DownloadRequest.of(url).into(tmp)));
    }
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).doesNotContain(TOKEN);
    return e;
  }
}
