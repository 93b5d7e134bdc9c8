package io.modelfetch.spi;

import java.net.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Configuration a {@link DownloadBackend} reads from the {@code Downloads} that owns it. */
public interface BackendContext {
  /** An option set with {@code Downloads.Builder.backendOption} (for example {@code aria2.path}). */
  Optional<String> option(String key);

  /** An environment variable, as the builder's environment sees it. */
  Optional<String> env(String name);

  /** The User-Agent every request carries. */
  String userAgent();

  /** A PEM file of extra CA certificates the builder was told to trust, if any. */
  Optional<Path> trustedCertificates();

  /**
   * The proxy the builder's {@code ProxySelector} (else the JVM's default one) picks for
   * {@code uri}: {@link Proxy#NO_PROXY} for a direct connection. A backend that runs its own HTTP
   * client routes requests the way the built-in one would.
   */
  default Proxy proxyFor(URI uri) {
    return Proxy.NO_PROXY;
  }

  /**
   * The rate limit of all downloads of the {@code Downloads} together, bytes per second, 0 for
   * none. It may change at any time: a backend that enforces limits itself reads it again at least
   * once a second.
   */
  default long totalBytesPerSecond() {
    return 0;
  }

  /** Tells the user something that is not an error (for example a fallback to another backend). */
  void notice(String message);
}
