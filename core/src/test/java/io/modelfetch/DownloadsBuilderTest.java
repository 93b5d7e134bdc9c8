package io.modelfetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The builder's validation and the request's immutability; what the settings change on the wire
 * (User-Agent, derived builders) is pinned by {@code BuilderOnTheWireTest} in the testing module.
 */
class DownloadsBuilderTest {
  @Test
  void validatesAtOnceAndNamesTheArgument() {
    assertThatThrownBy(() -> Downloads.builder().connectionsPerFile(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("connections must be 1..64, was 0");
    assertThatThrownBy(() -> Downloads.builder().connectionsPerFile(65)).hasMessageContaining("was 65");
    assertThatThrownBy(() -> Downloads.builder().retries(-1)).hasMessage("retries must be 0..100, was -1");
    assertThatThrownBy(() -> Downloads.builder().idleTimeout(Duration.ZERO)).hasMessageStartingWith("idleTimeout");
    assertThatThrownBy(() -> Downloads.builder().userAgent("a\nb")).hasMessageStartingWith("userAgent");
    assertThatThrownBy(() -> Downloads.builder().endpoint("civitai", "ftp://x")).hasMessageContaining("civitai");
    assertThatThrownBy(() -> DownloadRequest.of(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DownloadRequest.of("https://x/y").sha256("abc")).hasMessageContaining("64 hex digits");
  }

  @Test
  void knowsItsPluginsWithoutDiscovery() {
    try (Downloads d = Downloads.builder().discoverPlugins(false).build()) {
      assertThat(d.resolvers()).containsExactly("direct");
      assertThat(d.backends()).containsExactly("jdk");
    }
  }

  @Test
  void requestsAreImmutable() {
    DownloadRequest base = DownloadRequest.of("https://example.com/a.bin");
    DownloadRequest withOption = base.option("civitai.format", "SafeTensor");
    assertThat(base.options()).isEmpty();
    assertThat(withOption.option("civitai.format")).contains("SafeTensor");
    assertThat(DownloadRequest.of("https://x/y?token=abc").toString()).contains("token=***").doesNotContain("abc");
  }
}
