package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * aria2c goes through the proxy the builder's ProxySelector picks, like the built-in backend. The
 * origin's name does not resolve ({@code .invalid}), so only a download through the proxy (which
 * tunnels to the loopback port whatever the name) can succeed.
 */
class ProxyTest {
  @TempDir
  static Path certDir;
  @TempDir
  Path dir;
  static TestCertificates certs;
  static FakeOrigin origin;
  static final byte[] DATA = TestData.bytes(3 << 20, 51);
  static final String HOST = "origin.modelfetch.invalid";

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.forHosts(certDir, "localhost", HOST);
    origin = FakeOrigin.startTls(certs.serverContext());
    origin.file("/model.safetensors", DATA);
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  @BeforeEach
  void requireAria2c() {
    RealAria2c.require();
  }

  @Test
  void tunnelsThroughTheHttpProxyTheSelectorPicks() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy();
        Downloads downloads = Downloads.builder()
            .backend(new Aria2Backend())
            .defaultBackend(Aria2Backend.NAME)
            .discoverPlugins(false)
            .trustCertificates(certs.pem())
            .retries(1)
            .idleTimeout(Duration.ofSeconds(5))
            .proxySelector(proxy.selector())
            .build()) {
      String url = "https://" + HOST + ":" + origin.port() + "/model.safetensors";
      DownloadResult r = downloads.download(DownloadRequest.of(url).into(dir).sha256(TestData.sha256(DATA)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(DATA);
      assertThat(proxy.requestLines).isNotEmpty()
          .allSatisfy(line -> assertThat(line).isEqualTo("CONNECT " + HOST + ":" + origin.port() + " HTTP/1.1"));
      assertThat(Aria2Processes.children()).as("the aria2c daemon that downloaded it").hasSize(1);
    }
  }
}
