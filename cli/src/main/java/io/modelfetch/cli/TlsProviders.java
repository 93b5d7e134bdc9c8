package io.modelfetch.cli;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;

/**
 * The TLS implementation of the command line: Conscrypt (BoringSSL) when its native library loads
 * on this platform, else the JDK's own. Measured on the project's machine, 1 GiB over https in a
 * fresh process: JSSE 3.2–4.2 s at 5–7 CPU s (AES-GCM runs as Java code until C2 has compiled it),
 * Conscrypt 2.0–2.4 s at 3–3.8 CPU s. The library itself stays JDK-only; this is the application
 * choosing a provider through {@code Downloads.Builder.tlsProvider}.
 */
final class TlsProviders {
  private TlsProviders() {
  }

  /** The provider for {@code choice} ({@code auto}, {@code conscrypt} or {@code jdk}); empty means the JDK's. */
  static Optional<Provider> forChoice(String choice) {
    switch (choice) {
      case "jdk":
        return Optional.empty();
      case "conscrypt":
        return Optional.of(conscrypt().orElseThrow(() -> new IllegalArgumentException(
            "Conscrypt's native library does not load on this platform; use --tls jdk")));
      case "auto":
        return conscrypt();
      default:
        throw new IllegalArgumentException("--tls must be auto, conscrypt or jdk, was " + choice);
    }
  }

  private static Optional<Provider> conscrypt() {
    try {
      if (!Conscrypt.isAvailable()) {
        return Optional.empty();
      }
      Provider provider = Conscrypt.newProvider();
      SSLContext.getInstance("TLS", provider);
      return Optional.of(provider);
    } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }
}
