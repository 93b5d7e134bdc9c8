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
 * A throwaway CA and a {@code localhost} certificate it signed, made with the JDK's keytool, for
 * https tests: the server side as an {@link SSLContext}, the client side as the CA's PEM file to trust.
 *
 * @param serverContext for {@link FakeOrigin#startTls}
 * @param pem the CA certificate, to pass to {@code Downloads.Builder.trustCertificates}
 */
public record TestCertificates(SSLContext serverContext, Path pem) {
  private static final String PASSWORD = "changeit";

  /**
   * Creates a CA and a server certificate it signed for the DNS name {@code localhost} only (so
   * {@code 127.0.0.1} does not match it), as real servers present them: a chain, not a self-signed
   * leaf (trust managers check the leaf's use only when it is not itself the trust anchor).
   */
  public static TestCertificates forLocalhost(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    return forHosts(dir, "localhost");
  }

  /** {@link #forLocalhost} for other DNS names too (the first is the certificate's CN). */
  public static TestCertificates forHosts(Path dir, String... dnsNames)
      throws IOException, InterruptedException, GeneralSecurityException {
    String san = "SAN=" + String.join(",", java.util.Arrays.stream(dnsNames).map(n -> "dns:" + n).toList());
    Path caStore = dir.resolve("ca.p12");
    Path keystore = dir.resolve("server.p12");
    Path caPem = dir.resolve("ca.pem");
    Path request = dir.resolve("server.csr");
    Path signed = dir.resolve("server.pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=modelfetch test CA", "-ext", "bc:c", "-keystore", caStore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", caStore.toString(), "-storepass", PASSWORD,
        "-file", caPem.toString());
    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=" + dnsNames[0], "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-certreq", "-alias", "server", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", request.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD,
        "-infile", request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2",
        "-ext", san, "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", keystore.toString(),
        "-storepass", PASSWORD);
    keytool("-importcert", "-alias", "server", "-file", signed.toString(), "-keystore", keystore.toString(),
        "-storepass", PASSWORD);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new TestCertificates(ctx, caPem);
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
