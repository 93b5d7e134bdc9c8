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
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void movesManyRecordsOverEachProtocolVersion(String protocol) throws Exception {
    byte[] data = TestData.bytes(24 << 20, 51);
    try (FakeOrigin only = FakeOrigin.startTls(certs.serverContext(), protocol);
        Downloads d = builder().trustCertificates(certs.pem()).connectionsPerFile(8).build()) {
      only.file("/big.safetensors", data).etag("\"b\"");
      DownloadResult r = d.download(DownloadRequest.of(only.url("/big.safetensors")).into(dir)
          .sha256(TestData.sha256(data)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(only.connectionsAccepted()).as("the ranges ran on several TLS connections").isGreaterThan(1);
    }
  }

  @Test
  void aStalledTlsReadIsAbandonedAndResumed() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 52);
    try (FakeOrigin stalling = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).idleTimeout(Duration.ofSeconds(1)).build()) {
      stalling.file("/stall.safetensors", data).etag("\"t\"").stallAfter(1 << 20, 1);
      DownloadResult r = d.submit(DownloadRequest.of(stalling.url("/stall.safetensors")).into(dir).connections(1)
          .sha256(TestData.sha256(data))).result().get(30, TimeUnit.SECONDS);
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(stalling.requests("/stall.safetensors")).as("probe, the stalled range, its rest").hasSize(3);
    }
  }

  @Test
  void aTlsConnectionCutMidBodyIsResumedFromItsLastByte() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 53);
    try (FakeOrigin cutting = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).build()) {
      cutting.file("/cut.safetensors", data).etag("\"c\"").disconnectAfter(1 << 20, 1);
      DownloadResult r = d.download(DownloadRequest.of(cutting.url("/cut.safetensors")).into(dir).connections(1)
          .sha256(TestData.sha256(data)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(cutting.requests("/cut.safetensors")).extracting(q -> q.header("range").orElse("none"))
          .containsExactly("bytes=0-0", "bytes=0-4194303", "bytes=1048576-4194303");
    }
  }

  @Test
  void bytesPastABodysEndOnATlsConnectionAreNotTakenForTheNextResponse() throws Exception {
    byte[] first = TestData.bytes(2 << 20, 54);
    byte[] second = TestData.bytes(2 << 20, 55);
    try (FakeOrigin sloppy = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).build()) {
      sloppy.file("/first.bin", first).etag("\"1\"").trailingGarbage(100, 1);
      sloppy.file("/second.bin", second).etag("\"2\"");
      DownloadResult a = d.download(DownloadRequest.of(sloppy.url("/first.bin")).into(dir).connections(1)
          .sha256(TestData.sha256(first)));
      DownloadResult b = d.download(DownloadRequest.of(sloppy.url("/second.bin")).into(dir).connections(1)
          .sha256(TestData.sha256(second)));
      assertThat(Files.readAllBytes(a.path())).isEqualTo(first);
      assertThat(Files.readAllBytes(b.path())).isEqualTo(second);
    }
  }

  @Test
  void aChunkedBodyOfUnknownLengthArrivesWholeOverTls() throws Exception {
    byte[] data = TestData.bytes((3 << 20) + 12345, 56);
    try (FakeOrigin chunking = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).build()) {
      chunking.file("/stream.bin", data).ignoreRanges().chunked();
      DownloadResult r = d.download(DownloadRequest.of(chunking.url("/stream.bin")).into(dir)
          .sha256(TestData.sha256(data)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  @Test
  void aBodyWithoutLengthEndsAtTheServersCloseNotify() throws Exception {
    byte[] data = TestData.bytes((2 << 20) + 777, 57);
    try (FakeOrigin unframed = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).build()) {
      unframed.file("/unframed.bin", data).ignoreRanges().noContentLength();
      DownloadResult r = d.download(DownloadRequest.of(unframed.url("/unframed.bin")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  /** Without a length, only the close_notify says the body is whole: a dropped connection is a cut, not the end. */
  @Test
  void aBodyWithoutLengthCutWithoutCloseNotifyIsNotTakenAsWhole() throws Exception {
    byte[] data = TestData.bytes((2 << 20) + 777, 58);
    try (FakeOrigin unframed = FakeOrigin.startTls(certs.serverContext());
        Downloads d = builder().trustCertificates(certs.pem()).build()) {
      unframed.file("/unframed.bin", data).ignoreRanges().noContentLength().disconnectAfter(1 << 20, 1);
      DownloadResult r = d.download(DownloadRequest.of(unframed.url("/unframed.bin")).into(dir));
      assertThat(Files.size(r.path())).as("the cut body was fetched again, not kept").isEqualTo(data.length);
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  @Test
  void aServerThatNeverAnswersTheHandshakeFailsWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Downloads d = builder().trustCertificates(certs.pem()).retries(0).connectTimeout(Duration.ofSeconds(1))
            .build()) {
      Thread acceptor = new Thread(() -> {
        try (Socket held = silent.accept()) {
          Thread.sleep(60_000);
        } catch (IOException | InterruptedException e) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "https://localhost:" + silent.getLocalPort() + "/m.safetensors";
      CompletableFuture<DownloadResult> result = d.submit(DownloadRequest.of(url).into(dir)).result();
      assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DownloadException.class);
      acceptor.interrupt();
    }
    assertThat(dir.resolve("m.safetensors")).doesNotExist();
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
