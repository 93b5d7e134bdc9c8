package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tokens per request: each overrides the builder's for its service and reaches only that service's host. */
class RequestTokensTest extends ManagerTest {

  @Test
  void twoServicesTokensOnOneRequestEachReachOnlyTheirOwnHost() throws Exception {
    origin.file("/c.safetensors", TestData.bytes(300_000, 1));
    origin.file("/h.safetensors", TestData.bytes(300_000, 2));
    try (Downloads downloads = builder()
        .resolver(new ServiceResolver("civitai", "127.0.0.1"))
        .resolver(new ServiceResolver("huggingface", "localhost"))
        .token("civitai", Secret.of("builder-civitai"))
        .build()) {
      DownloadHandle c = downloads.submit(DownloadRequest.of("civitai:" + origin.url("/c.safetensors")).into(dir)
          .token("civitai", Secret.of("user-civitai")).token("huggingface", Secret.of("user-hf")));
      DownloadHandle h = downloads.submit(DownloadRequest.of("huggingface:" + origin.urlOnOtherHost("/h.safetensors"))
          .into(dir).token("civitai", Secret.of("user-civitai")).token("huggingface", Secret.of("user-hf")));
      c.result().join();
      h.result().join();
      DownloadHandle builderOnly = downloads.submit(DownloadRequest.of("civitai:" + origin.url("/c.safetensors"))
          .into(dir.resolve("b")));
      builderOnly.result().join();
    }
    List<RecordedRequest> civitai = origin.requests("/c.safetensors");
    List<RecordedRequest> hf = origin.requests("/h.safetensors");
    assertThat(civitai).isNotEmpty();
    assertThat(hf).isNotEmpty();
    assertThat(civitai).allSatisfy(r -> assertThat(r.host()).startsWith("127.0.0.1"));
    assertThat(hf).allSatisfy(r -> assertThat(r.host()).startsWith("localhost"));
    assertThat(hf).allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer user-hf"));
    assertThat(civitai.stream().map(r -> r.header("Authorization")).distinct().toList())
        .containsExactlyInAnyOrder(Optional.of("Bearer user-civitai"), Optional.of("Bearer builder-civitai"));
  }

  @Test
  void aMisspeltServiceKeyIsAnErrorNamingTheKnownOnes() {
    try (Downloads downloads = builder().resolver(new ServiceResolver("civitai", "127.0.0.1"))
        .resolver(new ServiceResolver("huggingface", "localhost")).build()) {
      DownloadRequest request = DownloadRequest.of(origin.url("/x")).token("civit", Secret.of("s3cr3t"));
      assertThatThrownBy(() -> downloads.submit(request))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'civit'").hasMessageContaining("civitai").hasMessageContaining("huggingface")
          .hasMessageNotContaining("s3cr3t");
      assertThatThrownBy(() -> downloads.resolve(request)).isInstanceOf(IllegalArgumentException.class);
      assertThat(downloads.list()).isEmpty();
    }
    assertThatThrownBy(() -> builder().resolver(new ServiceResolver("civitai", "127.0.0.1"))
        .token("huggingfce", Secret.of("t")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'huggingfce'").hasMessageContaining("civitai");
    assertThatThrownBy(() -> builder().endpoint("gdrvie", "http://127.0.0.1:1").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gdrvie'");
  }

  @Test
  void anUnsetEnvironmentVariableGivesNoTokenInsteadOfAnError() {
    assertThat(Secret.ofNullable(System.getenv("MODELFETCH_SURELY_UNSET_VARIABLE"))).isNull();
    DownloadRequest r = DownloadRequest.of("https://example.com/x").token("civitai", Secret.of("a"))
        .token("civitai", Secret.ofNullable(null));
    assertThat(r.tokens()).isEmpty();
    assertThat(r.toString()).doesNotContain("a\"");
  }
}
