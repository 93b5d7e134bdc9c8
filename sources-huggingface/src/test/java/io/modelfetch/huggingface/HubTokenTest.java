package io.modelfetch.huggingface;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which token reaches the Hub, in huggingface_hub's order, and that none reaches the CDN. */
class HubTokenTest {
  private static final byte[] WEIGHTS = TestData.bytes(50_000, 31);

  @TempDir
  Path tmp;
  private FakeHub fake;
  private Path home;

  @BeforeEach
  void start() throws Exception {
    fake = FakeHub.start();
    fake.repo("", "org/private").lfs("model.bin", WEIGHTS);
    home = tmp.resolve("home");
    writeToken(home.resolve(".cache/huggingface/token"), "hf_from_home_file");
    writeToken(tmp.resolve("hf-home/token"), "hf_from_hf_home");
    writeToken(tmp.resolve("custom/token"), "  hf_from_token_path \r\n");
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void theBuilderTokenWinsOverEverything() throws Exception {
    assertThat(tokenSentWith(Secret.of("hf_from_builder"), allSources())).isEqualTo("Bearer hf_from_builder");
  }

  @Test
  void hfTokenComesNext() throws Exception {
    assertThat(tokenSentWith(null, allSources())).isEqualTo("Bearer hf_from_env");
  }

  @Test
  void theLegacyVariableComesAfterHfToken() throws Exception {
    Map<String, String> env = allSources();
    env.remove("HF_TOKEN");
    assertThat(tokenSentWith(null, env)).isEqualTo("Bearer hf_from_legacy_env");
  }

  @Test
  void thenTheFileAtHfTokenPathTrimmed() throws Exception {
    Map<String, String> env = allSources();
    env.remove("HF_TOKEN");
    env.remove("HUGGING_FACE_HUB_TOKEN");
    assertThat(tokenSentWith(null, env)).isEqualTo("Bearer hf_from_token_path");
  }

  @Test
  void thenTheTokenFileInHfHome() throws Exception {
    Map<String, String> env = FakeHub.env("HOME", home.toString(), "HF_HOME", tmp.resolve("hf-home").toString());
    assertThat(tokenSentWith(null, env)).isEqualTo("Bearer hf_from_hf_home");
  }

  @Test
  void thenTheTokenFileUnderHomeCache() throws Exception {
    assertThat(tokenSentWith(null, FakeHub.env("HOME", home.toString()))).isEqualTo("Bearer hf_from_home_file");
  }

  @Test
  void withoutAnyTokenNothingIsSent() throws Exception {
    assertThat(tokenSentWith(null, FakeHub.env("HOME", tmp.resolve("nobody").toString()))).isNull();
  }

  @Test
  void anEmptyVariableIsNoToken() throws Exception {
    Map<String, String> env = FakeHub.env("HOME", home.toString(), "HF_TOKEN", "  ");
    assertThat(tokenSentWith(null, env)).isEqualTo("Bearer hf_from_home_file");
  }

  private Map<String, String> allSources() {
    return FakeHub.env("HOME", home.toString(), "HF_HOME", tmp.resolve("hf-home").toString(),
        "HF_TOKEN_PATH", tmp.resolve("custom/token").toString(),
        "HUGGING_FACE_HUB_TOKEN", "hf_from_legacy_env", "HF_TOKEN", "hf_from_env");
  }

  /** Downloads the file and returns the Authorization the Hub saw; checks the CDN saw none. */
  private String tokenSentWith(Secret builderToken, Map<String, String> env) throws Exception {
    Downloads.Builder b = Downloads.builder().endpoint("huggingface", fake.base()).environment(env);
    if (builderToken != null) {
      b.token("huggingface", builderToken);
    }
    try (Downloads d = b.build()) {
      d.download(DownloadRequest.of("https://huggingface.co/org/private/resolve/main/model.bin")
          .into(tmp.resolve("out")));
    }
    assertThat(Files.readAllBytes(tmp.resolve("out/model.bin"))).isEqualTo(WEIGHTS);
    assertThat(fake.cdnRequests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    List<LoggedRequest> hub = fake.hubRequests();
    assertThat(hub).isNotEmpty();
    return hub.get(0).containsHeader("Authorization") ? hub.get(0).getHeader("Authorization") : null;
  }

  private static void writeToken(Path file, String token) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, token);
  }
}
