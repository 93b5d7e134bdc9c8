package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.ConnectProxy;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestCertificates;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The https data path: the shared TLS context, a custom CA, host name verification, CONNECT through a proxy. */
class TlsAndProxyTest {
  @TempDir
  static Path certDir;
  @TempDir
  Path dir;
  static TestCertificates certs;
  static FakeOrigin origin;
  static final byte[] DATA = TestData.bytes(6 << 20, 50);
  /** A name that does not resolve: only the proxy, which tunnels to the loopback port whatever the name, reaches it. */
  static final String TUNNELLED = "origin.modelfetch.invalid";

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.forHosts(certDir, "localhost", TUNNELLED);
    origin = FakeOrigin.startTls(certs.serverContext());
    origin.file("/secure.safetensors", DATA).etag("\"s\"");
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static Downloads.Builder builder() {
    return Downloads.builder().discoverPlugins(false).defaultBackend("jdk").retries(1)
        .idleTimeout(Duration.ofSeconds(5)).connectionsPerFile(4);
  }

  @Test
  void downloadsOverHttpsTrustingACustomCa() throws Exception {
    try (Downloads d = builder().trustCertificates(certs.pem()).build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/secure.safetensors")).into(dir)
          .sha256(TestData.sha256(DATA)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(DATA);
    }
  }

  @Test
  void anUntrustedCertificateFailsAndSaysWhatToDo() throws Exception {
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/secure.safetensors")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.NETWORK);
            assertThat(e.getMessage()).contains("TLS").contains("--ca-file");
          });
    }
    assertThat(dir.resolve("secure.safetensors")).doesNotExist();
  }

  @Test
  void aCertificateForAnotherHostNameIsRefused() throws Exception {
    String byIp = "https://127.0.0.1:" + origin.port() + "/secure.safetensors";
    try (Downloads d = builder().trustCertificates(certs.pem()).build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(byIp).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.NETWORK));
    }
  }

  @Test
  void tunnelsThroughAnHttpProxyWithConnectAndNamesTheOriginInTheHandshake() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy(); FakeOrigin tunnelled = FakeOrigin.startTls(certs.serverContext())) {
      tunnelled.file("/secure.safetensors", DATA);
      try (Downloads d = builder().trustCertificates(certs.pem()).proxySelector(proxy.selector()).build()) {
        String url = "https://" + TUNNELLED + ":" + tunnelled.port() + "/secure.safetensors";
        DownloadResult r = d.download(DownloadRequest.of(url).into(dir));
        assertThat(Files.readAllBytes(r.path())).isEqualTo(DATA);
      }
      assertThat(proxy.requestLines).isNotEmpty()
          .allSatisfy(line -> assertThat(line).isEqualTo("CONNECT " + TUNNELLED + ":" + tunnelled.port() + " HTTP/1.1"));
      // SNI, which CDNs hosting many names need (the JDK sends it for dotted names only, never for "localhost")
      assertThat(tunnelled.serverNames()).hasSizeGreaterThan(1).containsOnly(TUNNELLED);
    }
  }
}
