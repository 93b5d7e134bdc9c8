package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names a server chooses (Content-Disposition, the URL's last segment) never become a dot-file, one
 * of the library's own working files, or a name too long for the working files beside it.
 */
class ServerGivenNamesTest extends EngineTestBase {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      ".bashrc|_.bashrc",
      "model.safetensors.part|model.safetensors.part_",
      "model.safetensors.part.lock|model.safetensors.part.lock_",
      "model.safetensors.part.state|model.safetensors.part.state_",
      "model.safetensors.part.state.tmp|model.safetensors.part.state.tmp_",
      "model.safetensors.part.aria2|model.safetensors.part.aria2_",
      "model.safetensors. . .|model.safetensors",
  })
  void contentDispositionNamesAreMadeHarmless(String sent, String saved) throws Exception {
    byte[] data = TestData.bytes(50_000, 40);
    origin.file("/get", data).contentDisposition("attachment; filename=\"" + sent + "\"");
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/get")).into(dir));
      assertThat(r.path()).isEqualTo(dir.resolve(saved));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(dir.resolve(saved));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/files/.profile|_.profile",
      "/files/model.bin.lock|model.bin.lock_",
      "/files/model.bin.part|model.bin.part_",
      "/files/model.bin%2E%20%2E|model.bin",
  })
  void urlPathNamesAreMadeHarmless(String path, String saved) throws Exception {
    byte[] data = TestData.bytes(50_000, 41);
    origin.file(path, data);
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url(path)).into(dir));
      assertThat(r.path()).isEqualTo(dir.resolve(saved));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  /** 250-byte names in one-, two- and three-byte characters: each fits with its working files beside it. */
  @ParameterizedTest
  @ValueSource(strings = {"a", "é", "€"})
  void longServerNamesDownloadAndResumeStateFits(String character) throws Exception {
    String name = character.repeat(246 / character.getBytes(StandardCharsets.UTF_8).length) + ".bin";
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isBetween(247, 250);
    byte[] data = TestData.bytes(6 << 20, 42);
    // throttled, so the transfer lasts past a checkpoint and writes NAME.part.state(.tmp)
    origin.file("/long", data).throttle(3 << 20).contentDisposition(
        "attachment; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/long")).into(dir).connections(2));
      String saved = r.path().getFileName().toString();
      assertThat(saved.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255 - ".part.aria2__temp".length());
      assertThat(saved).startsWith(character.repeat(10)).endsWith(".bin");
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }
}
