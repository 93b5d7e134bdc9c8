package io.modelfetch.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Lets the JDK's trust manager judge TLS 1.3 handshakes made by another provider. TLS 1.3 has no
 * key-exchange "auth type"; the JDK's own TLS passes {@code UNKNOWN} for it, Conscrypt passes
 * {@code GENERIC}, which the JDK's end-entity check rejects ("Unknown authType: GENERIC",
 * google/conscrypt#1033). Everything else, host name verification included, is the delegate's.
 */
final class Tls13AuthType extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;

  Tls13AuthType(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  private static String mapped(String authType) {
    return "GENERIC".equals(authType) ? "UNKNOWN" : authType;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkServerTrusted(chain, mapped(authType), socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, mapped(authType), engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, mapped(authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, mapped(authType), socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, mapped(authType), engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, mapped(authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
