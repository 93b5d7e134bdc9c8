package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadSnapshot;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.testing.Resource;
import io.modelfetch.testing.TestData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A state folder keeps the queue, paused downloads and the history across a restart and a killed JVM. */
class PersistenceTest extends ManagerTest {

  @Test
  void afterTheJvmIsKilledEveryDownloadIsRestoredAndFinishesOnceFromItsPart() throws Exception {
    Path state = dir.resolve("state");
    Path out = dir.resolve("models");
    int n = 4;
    List<byte[]> bodies = new ArrayList<>();
    List<Resource> resources = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] body = TestData.bytes(4 * MIB, 100 + i);
      bodies.add(body);
      resources.add(origin.file("/m" + i + ".bin", body).etag("\"v" + i + "\"").throttle(256 * 1024));
      urls.add(origin.url("/m" + i + ".bin"));
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PersistenceChild.class.getName(), state.toString(),
        out.toString()));
    command.addAll(urls);
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> ids;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      do {
        line = lines.readLine();
      } while (line != null && !line.startsWith("READY"));
      assertThat(line).as("the child's READY line").isNotNull();
      ids = List.of(line.substring("READY ".length()).split(" "));
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      child.waitFor(10, TimeUnit.SECONDS);
    }
    long servedBeforeKill = origin.bodyBytesServed();
    resources.forEach(r -> r.throttle(4L * MIB));

    try (Downloads downloads = builder().maxRunningDownloads(2).stateFolder(state).build()) {
      Map<String, DownloadState> restored = downloads.list().stream()
          .collect(Collectors.toMap(DownloadSnapshot::id, DownloadSnapshot::state));
      assertThat(downloads.list()).extracting(DownloadSnapshot::id).containsExactlyElementsOf(ids);
      assertThat(restored.get(ids.get(1))).isEqualTo(DownloadState.PAUSED);
      assertThat(downloads.list()).extracting(DownloadSnapshot::source).containsExactlyElementsOf(urls);
      DownloadHandle paused = downloads.handle(ids.get(1)).orElseThrow();
      Thread.sleep(300);
      assertThat(paused.state()).as("a paused download stays paused after the restart").isEqualTo(DownloadState.PAUSED);
      assertThat(paused.resume()).isTrue();
      for (String id : ids) {
        DownloadHandle h = downloads.handle(id).orElseThrow();
        assertThat(h.result().get(60, TimeUnit.SECONDS).files()).hasSize(1);
      }
    }
    for (int i = 0; i < n; i++) {
      Path file = out.resolve("m" + i + ".bin");
      assertThat(TestData.sha256(Files.readAllBytes(file))).isEqualTo(TestData.sha256(bodies.get(i)));
    }
    long total = (long) n * 4 * MIB;
    assertThat(servedBeforeKill).as("bytes served before the kill").isPositive();
    assertThat(origin.bodyBytesServed()).as("bytes served in all: the parts were continued, nothing ran twice")
        .isLessThan(total + total / 4);

    try (Downloads again = builder().stateFolder(state).build()) {
      assertThat(again.list()).extracting(DownloadSnapshot::id).containsExactlyElementsOf(ids);
      assertThat(again.list()).allSatisfy(s -> assertThat(s.state()).isEqualTo(DownloadState.COMPLETED));
      assertThat(again.handle(ids.get(0))).as("an ended download of an earlier run has no handle").isEmpty();
      Thread.sleep(300);
      assertThat(origin.bodyBytesServed()).as("nothing is fetched again").isEqualTo(origin.bodyBytesServed());
      assertThatThrownBy(() -> builder().stateFolder(state).build()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void tokensOfRequestsAreNeverWrittenToTheStateFolder() throws Exception {
    Path state = dir.resolve("state");
    origin.file("/t.bin", TestData.bytes(1000, 1));
    try (Downloads downloads = builder().resolver(new ServiceResolver("civitai", "127.0.0.1")).stateFolder(state)
        .build()) {
      downloads.submit(DownloadRequest.of("civitai:" + origin.url("/t.bin")).into(dir)
          .token("civitai", io.modelfetch.Secret.of("per-user-secret"))).result().join();
    }
    try (var files = Files.list(state)) {
      for (Path f : files.toList()) {
        assertThat(Files.readString(f)).doesNotContain("per-user-secret");
      }
    }
  }
}
