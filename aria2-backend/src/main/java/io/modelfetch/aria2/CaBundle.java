package io.modelfetch.aria2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities aria2 should trust when the user added some: aria2's
 * {@code ca-certificate} replaces the system's authorities instead of adding to them, so the file
 * holds the JDK's authorities followed by the user's, the same set the built-in backend trusts.
 */
final class CaBundle {
  private CaBundle() {
  }

  /** Writes the JDK's trusted authorities and then the PEM file {@code extra} into {@code target}. */
  static void write(Path extra, Path target) throws IOException {
    StringBuilder pem = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    try {
      for (X509Certificate ca : jdkAuthorities()) {
        pem.append("-----BEGIN CERTIFICATE-----\n")
            .append(base64.encodeToString(ca.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the JDK's trusted certificates: " + e.getMessage(), e);
    }
    pem.append(Files.readString(extra, StandardCharsets.UTF_8)).append('\n');
    Files.writeString(target, pem, StandardCharsets.UTF_8);
  }

  private static X509Certificate[] jdkAuthorities() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager) {
        return ((X509TrustManager) tm).getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
