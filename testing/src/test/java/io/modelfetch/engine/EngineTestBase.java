package io.modelfetch.engine;

import io.modelfetch.Downloads;
import io.modelfetch.testing.FakeOrigin;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every engine test starts from: a fresh {@link FakeOrigin}, a temporary folder, and an
 * engine with short timeouts. The fault tests ({@code io.modelfetch.faults}) start from it too,
 * with a builder of their own.
 */
public abstract class EngineTestBase {
  @TempDir
  protected Path dir;
  protected FakeOrigin origin;

  @BeforeEach
  void startOrigin() throws Exception {
    origin = FakeOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
  }

  /** The jdk backend, no plugins from the class path, short timeouts. */
  protected Downloads.Builder builder() {
    return Downloads.builder().discoverPlugins(false).defaultBackend("jdk").retries(2)
        .idleTimeout(Duration.ofSeconds(5));
  }
}
