package io.modelfetch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestCertificates;
import io.modelfetch.testing.TestData;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's TLS provider, Conscrypt, on both HTTP paths: trust, host names, the API client. */
class ConscryptTlsTest {
  @TempDir
  static Path certDir;
  @TempDir
  Path dir;
  static TestCertificates certs;
  static FakeOrigin origin;
  static Provider conscrypt;
  static final byte[] DATA = TestData.bytes(5 << 20, 60);

  @BeforeAll
  static void start() throws Exception {
    conscrypt = TlsProviders.forChoice("conscrypt").orElseThrow();
    certs = TestCertificates.forLocalhost(certDir);
    origin = FakeOrigin.startTls(certs.serverContext());
    origin.file("/m.safetensors", DATA);
    origin.page("/api/file.json", 200, "application/json", "{\"path\":\"/m.safetensors\"}");
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static Downloads.Builder builder() {
    return Downloads.builder().discoverPlugins(false).defaultBackend("jdk").retries(0)
        .idleTimeout(Duration.ofSeconds(5)).connectionsPerFile(4).tlsProvider(conscrypt);
  }

  @Test
  void downloadsThroughAnApiCallAndRangesOverConscrypt() throws Exception {
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
        HttpResponse<String> r = context.send(HttpRequest.newBuilder(URI.create(origin.url("/api/file.json"))).build(),
            HttpResponse.BodyHandlers.ofString());
        String path = r.body().replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
        return List.of(RemoteFile.builder(URI.create(origin.url(path))).build());
      }
    };
    try (Downloads d = builder().trustCertificates(certs.pem()).resolver(api).build()) {
      DownloadResult r = d.download(DownloadRequest.of("api:x").into(dir).sha256(TestData.sha256(DATA)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(DATA);
    }
  }

  @Test
  void speaksTls13AndTls12() throws Exception {
    for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
      try (FakeOrigin only = FakeOrigin.startTls(certs.serverContext(), protocol);
          Downloads d = builder().trustCertificates(certs.pem()).build()) {
        only.file("/m.safetensors", DATA);
        DownloadResult r = d.download(DownloadRequest.of(only.url("/m.safetensors")).into(dir.resolve(protocol)));
        assertThat(Files.readAllBytes(r.path())).as(protocol).isEqualTo(DATA);
      }
    }
  }

  @Test
  void everyConnectionNamesTheHostItWants() throws Exception {
    try (FakeOrigin fresh = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).build()) {
      fresh.file("/m.safetensors", DATA);
      d.download(DownloadRequest.of(fresh.url("/m.safetensors")).into(dir));
      assertThat(fresh.serverNames()).as("SNI on every connection, as CDNs hosting many names need")
          .hasSizeGreaterThan(1).containsOnly("localhost");
    }
  }

  @Test
  void anUntrustedCertificateIsRefused() throws Exception {
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.safetensors")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.NETWORK));
    }
  }

  @Test
  void aCertificateForAnotherHostNameIsRefused() throws Exception {
    try (Downloads d = builder().trustCertificates(certs.pem()).build()) {
      for (String host : List.of("127.0.0.1", "[::ffff:127.0.0.1]")) {
        String url = "https://" + host + ":" + origin.port() + "/m.safetensors";
        assertThatThrownBy(() -> d.download(DownloadRequest.of(url).into(dir)))
            .as(host).isInstanceOfSatisfying(DownloadException.class,
                e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.NETWORK));
      }
    }
    assertThat(dir.resolve("m.safetensors")).doesNotExist();
  }
}
