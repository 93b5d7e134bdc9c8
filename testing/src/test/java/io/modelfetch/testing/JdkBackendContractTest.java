package io.modelfetch.testing;

import io.modelfetch.Downloads;
import io.modelfetch.spi.DownloadBackend;
import java.time.Duration;

/** The built-in backend against the shared backend contract. */
class JdkBackendContractTest extends BackendContractTest {
  /** The jdk backend is built into every engine; nothing to register. */
  @Override
  protected DownloadBackend newBackend() {
    throw new UnsupportedOperationException("built in");
  }

  @Override
  protected Downloads.Builder builder() {
    return Downloads.builder().defaultBackend("jdk").discoverPlugins(false).retries(3)
        .idleTimeout(Duration.ofSeconds(5));
  }
}
