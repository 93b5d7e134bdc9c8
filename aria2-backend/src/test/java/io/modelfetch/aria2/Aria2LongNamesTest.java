package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A 250-byte server-given name leaves room for aria2c's files beside it ({@code NAME.part.aria2__temp}). */
class Aria2LongNamesTest {
  @TempDir
  Path dir;
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
  @ValueSource(strings = {"a", "€"})
  void aLongNameDownloadsThroughAria2c(String character) throws Exception {
    String name = character.repeat(246 / character.getBytes(StandardCharsets.UTF_8).length) + ".bin";
    byte[] data = TestData.bytes(3 << 20, 71);
    origin.file("/long", data).etag("\"v1\"").throttle(1 << 20).contentDisposition(
        "attachment; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    try (Downloads d = Downloads.builder().backend(new Aria2Backend()).defaultBackend(Aria2Backend.NAME)
        .discoverPlugins(false).idleTimeout(Duration.ofSeconds(5)).build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/long")).into(dir).connections(2));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(r.path().getFileName().toString()).startsWith(character.repeat(10)).endsWith(".bin");
    }
  }
}
