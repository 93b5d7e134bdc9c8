package io.modelfetch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway self-signed certificate for {@code localhost}, made with the JDK's keytool, for
 * https tests: the server side as an {@link SSLContext}, the client side as a PEM file to trust.
 *
 * @param serverContext for {@link FakeOrigin#startTls}
 * @param pem the certificate, to pass to {@code Downloads.Builder.trustCertificates}
 */
public record TestCertificates(SSLContext serverContext, Path pem) {
  private static final String PASSWORD = "changeit";

  /** Creates a certificate for the DNS name {@code localhost} only (so {@code 127.0.0.1} does not match it). */
  public static TestCertificates forLocalhost(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Path keystore = dir.resolve("server.p12");
    Path pem = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "server", "-rfc", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", pem.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new TestCertificates(ctx, pem);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }
}
