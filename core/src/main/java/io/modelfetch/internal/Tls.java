package io.modelfetch.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Builds the one {@link SSLContext} both HTTP paths share. */
final class Tls {
  private Tls() {
  }

  /**
   * The context both HTTP paths use: the configured one; else one from {@code provider} (or the
   * JDK's own TLS) trusting the JDK's CAs plus those in {@code pemFile}.
   */
  static SSLContext context(SSLContext configured, Provider provider, Path pemFile) {
    try {
      if (configured != null) {
        return configured;
      }
      if (pemFile == null && provider == null) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(pemFile == null ? null : withExtraCertificates(pemFile));
      TrustManager[] trust = tmf.getTrustManagers();
      if (provider != null) {
        for (int i = 0; i < trust.length; i++) {
          if (trust[i] instanceof X509ExtendedTrustManager) {
            trust[i] = new Tls13AuthType((X509ExtendedTrustManager) trust[i]);
          }
        }
      }
      SSLContext ctx = provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
      ctx.init(null, trust, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS" + (pemFile == null ? "" : " trust from " + pemFile)
          + ": " + e.getMessage(), e);
    }
  }

  /** A trust store with the JDK's CAs and the certificates of a PEM file. */
  private static KeyStore withExtraCertificates(Path pemFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (X509Certificate ca : defaultTrustManager().getAcceptedIssuers()) {
      store.setCertificateEntry("jdk-" + i++, ca);
    }
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(pemFile)) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (extra.isEmpty()) {
      throw new IllegalArgumentException("no certificate found in " + pemFile + " (expected PEM)");
    }
    for (Certificate c : extra) {
      store.setCertificateEntry("extra-" + i++, c);
    }
    return store;
  }

  private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager) {
        return (X509TrustManager) tm;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager in the JDK");
  }
}
