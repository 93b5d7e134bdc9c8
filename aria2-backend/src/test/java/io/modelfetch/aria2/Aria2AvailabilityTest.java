package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.spi.BackendContext;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** When the aria2 backend counts as available, and what happens when it does not; no real aria2c needed. */
class Aria2AvailabilityTest {
  @TempDir
  Path dir;

  @Test
  void fallsBackToTheJdkBackendWithANoticeWhenAria2cIsNotOnPath() throws Exception {
    byte[] data = TestData.bytes(1 << 20, 31);
    RecordingListener events = new RecordingListener();
    try (FakeOrigin origin = FakeOrigin.start();
         Downloads downloads = Downloads.builder().environment(Map.of("PATH", "")).defaultBackend("aria2")
             .listener(events).build()) {
      origin.file("/model.bin", data);
      assertThat(downloads.backends()).as("backends found by ServiceLoader").contains(Aria2Backend.NAME);
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir.resolve("out")));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(Aria2Processes.children()).isEmpty();
    }
    assertThat(events.notices()).containsExactly(
        "backend aria2 is not available here; using the built-in jdk backend instead");
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void autoKeepsTheBuiltInBackendEvenWhenAria2cIsThere() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    script(bin.resolve("aria2c"), "echo 'aria2 version 1.36.0'");
    byte[] data = TestData.bytes(1 << 20, 32);
    try (FakeOrigin origin = FakeOrigin.start();
         Downloads downloads = Downloads.builder().environment(Map.of("PATH", bin.toString())).build()) {
      origin.file("/model.bin", data);
      // were aria2 chosen, this fake aria2c could not start a daemon and the download would fail
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir.resolve("out")));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void findsAria2cOnThePathOfTheBuildersEnvironment() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    script(bin.resolve("aria2c"), "echo 'aria2 version 1.36.0'");
    Aria2Backend backend = new Aria2Backend();
    assertThat(backend.isAvailable(context(Map.of(), Map.of("PATH", "/nonexistent:" + bin)))).isTrue();
    assertThat(backend.isAvailable(context(Map.of(), Map.of("PATH", "/nonexistent")))).isFalse();
    assertThat(backend.isAvailable(context(Map.of(), Map.of()))).isFalse();
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void theConfiguredPathWinsAndMustAnswerLikeAria2c() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    script(bin.resolve("aria2c"), "echo 'aria2 version 1.36.0'");
    Path impostor = script(dir.resolve("impostor"), "echo 'curl 8.5.0'");
    Path failing = script(dir.resolve("failing"), "echo 'aria2 version 1.36.0'; exit 3");
    Aria2Backend backend = new Aria2Backend();
    Map<String, String> path = Map.of("PATH", bin.toString());
    assertThat(backend.isAvailable(context(Map.of("aria2.path", impostor.toString()), path))).isFalse();
    assertThat(backend.isAvailable(context(Map.of("aria2.path", failing.toString()), path))).isFalse();
    assertThat(backend.isAvailable(context(Map.of("aria2.path", dir.resolve("missing").toString()), path))).isFalse();
    assertThat(backend.isAvailable(context(Map.of("aria2.path", bin.resolve("aria2c").toString()), Map.of()))).isTrue();
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void asksEachExecutableOnlyOnce() throws Exception {
    Path calls = dir.resolve("calls");
    Path aria2c = script(dir.resolve("aria2c"), "echo x >> '" + calls + "'; echo 'aria2 version 1.36.0'");
    Aria2Backend backend = new Aria2Backend();
    BackendContext context = context(Map.of("aria2.path", aria2c.toString()), Map.of());
    for (int i = 0; i < 3; i++) {
      assertThat(backend.isAvailable(context)).isTrue();
    }
    assertThat(Files.readAllLines(calls)).hasSize(1);
  }

  private static Path script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static BackendContext context(Map<String, String> options, Map<String, String> env) {
    return new BackendContext() {
      @Override
      public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
      }

      @Override
      public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
      }

      @Override
      public String userAgent() {
        return "test";
      }

      @Override
      public Optional<Path> trustedCertificates() {
        return Optional.empty();
      }

      @Override
      public void notice(String message) {
      }
    };
  }
}
