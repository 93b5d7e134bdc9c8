package io.modelfetch.spi;

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

  /** Tells the user something that is not an error (for example a fallback to another backend). */
  void notice(String message);
}
