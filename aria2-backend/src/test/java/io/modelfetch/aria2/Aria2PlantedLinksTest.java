package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * aria2c opens its files following links, so the backend refuses a link at any of them before it
 * hands the path over: the file outside the folder stays as it was, and the error names the link.
 */
class Aria2PlantedLinksTest {
  @TempDir
  Path dir;
  @TempDir
  Path outside;
  private FakeOrigin origin;

  @BeforeEach
  void start() throws Exception {
    RealAria2c.require();
    origin = FakeOrigin.start();
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.bin.part", "m.bin.part.aria2", "m.bin.part.aria2.key", "m.bin.part.aria2__temp", "m.bin.part.aria2.pid",
      "m.bin.part.lock", "m.bin.part.state"})
  void aLinkBesideThePartialFileIsRefusedAndNamed(String name) throws Exception {
    byte[] data = TestData.bytes(2 << 20, 70);
    origin.file("/m.bin", data).etag("\"v1\"");
    Path victim = Files.writeString(outside.resolve("victim.txt"), "the user's own file");
    Path link = Files.createSymbolicLink(dir.resolve(name), victim);
    try (Downloads d = Downloads.builder().backend(new Aria2Backend()).defaultBackend(Aria2Backend.NAME)
        .discoverPlugins(false).idleTimeout(Duration.ofSeconds(5)).build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.LOCAL_IO);
            assertThat(e.getMessage()).contains("refusing to write through " + link);
          });
    }
    assertThat(Files.readString(victim)).isEqualTo("the user's own file");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(dir.resolve("m.bin")).doesNotExist();
  }
}
