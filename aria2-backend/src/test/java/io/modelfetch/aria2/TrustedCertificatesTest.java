package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aria2c trusts the certificates added on the builder, like the built-in backend. */
class TrustedCertificatesTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  Path dir;

  @BeforeEach
  void requireAria2c() {
    RealAria2c.require();
  }

  @Test
  void downloadsOverHttpsFromAServerWithAPrivateCertificate() throws Exception {
    Path keystore = dir.resolve("origin.p12");
    Path pem = dir.resolve("origin.pem");
    keytool("-genkeypair", "-alias", "origin", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", new String(PASSWORD));
    keytool("-exportcert", "-rfc", "-alias", "origin", "-keystore", keystore.toString(),
        "-storepass", new String(PASSWORD), "-file", pem.toString());
    byte[] data = TestData.bytes(1 << 20, 41);
    HttpsServer server = httpsServer(keystore, data);
    try (Downloads downloads = Downloads.builder()
        .backend(new Aria2Backend())
        .defaultBackend(Aria2Backend.NAME)
        .discoverPlugins(false)
        .trustCertificates(pem)
        .idleTimeout(Duration.ofSeconds(5))
        .build()) {
      String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/model.bin";
      DownloadResult r = downloads.download(DownloadRequest.of(url).into(dir.resolve("out")));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(Aria2Processes.children()).as("the aria2c daemon that downloaded it").hasSize(1);
    } finally {
      server.stop(0);
    }
  }

  /** Answers every GET with the whole file (no ranges), which is all this test needs. */
  private static HttpsServer httpsServer(Path keystore, byte[] data) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/model.bin", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, data.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(data);
      } catch (IOException e) {
        // the engine's probe reads one byte and hangs up
      }
    });
    server.start();
    return server;
  }

  private static void keytool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool %s", output).isZero();
  }
}
