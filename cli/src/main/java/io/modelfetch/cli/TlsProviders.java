package io.modelfetch.cli;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  private static final Object LOCK = new Object();
  private static CompletableFuture<Optional<Provider>> conscrypt;

  private TlsProviders() {
  }

  /**
   * Whether any argument may lead to TLS: a URL or source other than plain {@code http://} (sources
   * such as CivitAI or Hugging Face resolve to https; arguments without a colon are paths and numbers). Plain-http downloads then skip loading Conscrypt's
   * native library (~50 ms); an http URL that redirects to https uses the JDK's TLS.
   */
  static boolean mayNeedTls(List<String> args) {
    return args.stream().anyMatch(a -> a.contains(":") && !a.startsWith("-") && !a.startsWith("http://"));
  }

  /** Starts loading Conscrypt's native library in the background, once. */
  static void startLoading() {
    synchronized (LOCK) {
      if (conscrypt == null) {
        conscrypt = CompletableFuture.supplyAsync(TlsProviders::loadConscrypt);
      }
    }
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
    startLoading();
    return conscrypt.join();
  }

  private static Optional<Provider> loadConscrypt() {
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
