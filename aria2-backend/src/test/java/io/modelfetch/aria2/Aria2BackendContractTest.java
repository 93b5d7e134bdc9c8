package io.modelfetch.aria2;

import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.testing.BackendContractTest;
import org.junit.jupiter.api.BeforeEach;

/** The aria2 backend against the shared backend contract, with a real aria2c. */
class Aria2BackendContractTest extends BackendContractTest {
  @BeforeEach
  void requireAria2c() {
    RealAria2c.require();
  }

  @Override
  protected DownloadBackend newBackend() {
    return new Aria2Backend();
  }
}
