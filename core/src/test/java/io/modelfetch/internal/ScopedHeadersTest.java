package io.modelfetch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.Secret;
import io.modelfetch.spi.ScopedHeader;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopedHeadersTest {
  private final ScopedHeaders headers = new ScopedHeaders(
      List.of(ScopedHeader.bearer(Secret.of("tok"), "Hub.Example")), URI.create("https://hub.example/api/file"));

  @Test
  void sendsAHeaderOnlyToItsHosts() {
    assertThat(headers.forUri(URI.create("https://hub.example:443/x"))).containsEntry("Authorization", "Bearer tok");
    assertThat(headers.forUri(URI.create("https://cdn.example/x?sig=1"))).isEmpty();
    assertThat(headers.forUri(URI.create("https://hub.example.evil.com/x"))).isEmpty();
  }

  @Test
  void neverSendsCredentialsOverPlainHttpAfterAnHttpsStart() {
    assertThat(headers.forUri(URI.create("http://hub.example/x"))).isEmpty();
  }

  @Test
  void aPlainHttpSourceMaySendToItsOwnHost() {
    ScopedHeaders plain = new ScopedHeaders(List.of(ScopedHeader.bearer(Secret.of("t"), "127.0.0.1")),
        URI.create("http://127.0.0.1:8080/api"));
    assertThat(plain.forUri(URI.create("http://127.0.0.1:8080/api"))).containsKey("Authorization");
  }

  @Test
  void printsNoSecret() {
    assertThat(ScopedHeader.bearer(Secret.of("tok123"), "h").toString()).doesNotContain("tok123");
  }
}
