package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import io.modelfetch.testing.TestData;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address policy on real connections: the data path, redirects, and the control plane's API
 * calls. Every address here is a loopback one; the "allowed" origin is 127.0.0.1 let through with
 * {@link AddressPolicy#allowing}, the refused ones are other loopback forms.
 */
class AddressPolicyTest extends EngineTestBase {
  private static final AddressPolicy ONLY_ORIGIN = AddressPolicy.publicOnly().allowing("127.0.0.1/32");

  @Test
  void publicOnlyRefusesALoopbackUrlBeforeConnecting() throws Exception {
    origin.file("/model.bin", TestData.bytes(1000, 1));
    try (Downloads downloads = builder().addressPolicy(AddressPolicy.publicOnly()).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
          .hasMessageContaining("refused to connect to 127.0.0.1: a loopback address");
    }
    assertThat(origin.connectionsAccepted()).isZero();
    assertThat(Files.list(dir)).isEmpty();
  }

  @Test
  void refusesIpv6LoopbackAndIpv4MappedForms() throws Exception {
    try (Downloads downloads = builder().addressPolicy(ONLY_ORIGIN).build()) {
      for (String host : List.of("[::1]", "[::ffff:127.0.0.2]", "127.0.0.2", "[0:0:0:0:0:ffff:7f00:3]")) {
        String url = "http://" + host + ":" + origin.port() + "/model.bin";
        assertThatThrownBy(() -> downloads.download(DownloadRequest.of(url).into(dir)))
            .as(url)
            .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
            .hasMessageContaining("a loopback address");
      }
    }
    assertThat(origin.connectionsAccepted()).isZero();
  }

  @Test
  void allowedAddressStillDownloads() throws Exception {
    byte[] body = TestData.bytes(200_000, 2);
    origin.file("/model.bin", body);
    try (Downloads downloads = builder().addressPolicy(ONLY_ORIGIN).build()) {
      downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir));
    }
    assertThat(Files.readAllBytes(dir.resolve("model.bin"))).isEqualTo(body);
  }

  @Test
  void redirectFromAnAllowedToARefusedAddressIsRefused() throws Exception {
    origin.file("/internal.bin", TestData.bytes(1000, 3));
    origin.redirect("/model.bin", "http://127.0.0.2:" + origin.port() + "/internal.bin", 302);
    try (Downloads downloads = builder().addressPolicy(ONLY_ORIGIN).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
          .hasMessageContaining("refused to connect to 127.0.0.2: a loopback address");
    }
    assertThat(origin.requests("/model.bin")).hasSize(1);
    assertThat(origin.requests("/internal.bin")).isEmpty();
  }

  @Test
  void apiCallsOfASourceAreCheckedToo() throws Exception {
    origin.page("/api/model", 200, "application/json", "{}");
    SourceResolver api = new SourceResolver() {
      @Override
      public String name() {
        return "api";
      }

      @Override
      public boolean accepts(String source) {
        return source.startsWith("api:");
      }

      @Override
      public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException {
        String host = request.source().substring(4);
        context.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + origin.port() + "/api/model")).build(),
            HttpResponse.BodyHandlers.discarding());
        return List.of(RemoteFile.builder(origin.uri("/missing.bin")).build());
      }
    };
    try (Downloads downloads = builder().resolver(api).addressPolicy(ONLY_ORIGIN).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of("api:127.0.0.2").into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
          .hasMessageContaining("refused to connect to 127.0.0.2");
      assertThat(origin.requests("/api/model")).isEmpty();
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of("api:127.0.0.1").into(dir)))
          .as("the allowed API host is asked, then the file is missing")
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
      assertThat(origin.requests("/api/model")).hasSize(1);
    }
  }
}
