package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadState;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pause stops the transfer, closes its connections, frees its slot and keeps the part; resume
 * continues from the bytes on disk, fetching only what the resume state does not cover.
 */
class PauseResumeTest extends ManagerTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void pauseFreesConnectionsAndSlotAndResumeFetchesOnlyWhatIsMissing() throws Exception {
    byte[] body = TestData.bytes(8 * MIB, 7);
    origin.file(PATH, body).etag("\"v1\"").throttle(1024 * 1024);
    origin.file("/other", TestData.bytes(64 * 1024, 8));
    Path part = dir.resolve("model.safetensors.part");
    States states = new States();
    try (Downloads downloads = builder().maxRunningDownloads(1).listener(states).build()) {
      DownloadHandle big = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(4));
      DownloadHandle other = downloads.submit(DownloadRequest.of(origin.url("/other")).into(dir.resolve("o")));
      waitUntil(() -> covered(part) >= MIB, 20_000);
      assertThat(other.state()).isEqualTo(DownloadState.QUEUED);

      assertThat(big.pause()).isTrue();
      waitUntil(() -> big.state() == DownloadState.PAUSED, 5_000);
      // the slot went to the waiting download
      other.result().join();
      assertThat(big.pause()).as("pausing a paused download").isFalse();
      long coveredAtPause = covered(part);
      long servedAtPause = origin.bodyBytesServed(PATH);
      Thread.sleep(300);
      assertThat(origin.bodyBytesServed(PATH)).as("bytes served while paused").isEqualTo(servedAtPause);
      assertThat(big.result()).isNotDone();
      assertThat(big.snapshot().files()).singleElement()
          .satisfies(f -> assertThat(f.state()).isEqualTo(DownloadState.PAUSED));

      assertThat(big.resume()).isTrue();
      DownloadResult r = big.result().join();
      long servedAfterResume = origin.bodyBytesServed(PATH) - servedAtPause;
      // what the resume state does not cover, and the probe's one byte
      assertThat(servedAfterResume).as("bytes fetched after the resume")
          .isLessThanOrEqualTo(body.length - coveredAtPause + 1);
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.RESUMED);
      assertThat(TestData.sha256(Files.readAllBytes(r.path()))).isEqualTo(TestData.sha256(body));
      assertThat(states.of(big)).containsExactly(DownloadState.QUEUED, DownloadState.RESOLVING,
          DownloadState.DOWNLOADING, DownloadState.PAUSED, DownloadState.QUEUED, DownloadState.DOWNLOADING,
          DownloadState.VERIFYING, DownloadState.COMPLETED);
    }
  }

  @Test
  void aQueuedDownloadPausedStaysOutOfTheQueueUntilResumed() throws Exception {
    origin.file("/slow", TestData.bytes(256 * 1024, 1)).throttle(512 * 1024);
    origin.file("/held", TestData.bytes(1024, 2));
    States states = new States();
    try (Downloads downloads = builder().maxRunningDownloads(1).listener(states).build()) {
      DownloadHandle slow = downloads.submit(DownloadRequest.of(origin.url("/slow")).into(dir));
      DownloadHandle held = downloads.submit(DownloadRequest.of(origin.url("/held")).into(dir));
      assertThat(held.pause()).isTrue();
      assertThat(held.state()).isEqualTo(DownloadState.PAUSED);
      slow.result().join();
      Thread.sleep(300);
      assertThat(held.state()).isEqualTo(DownloadState.PAUSED);
      assertThat(origin.requests("/held")).isEmpty();
      assertThat(held.resume()).isTrue();
      assertThat(held.resume()).as("resuming a queued download").isFalse();
      held.result().join();
      assertThat(states.of(held)).containsExactly(DownloadState.QUEUED, DownloadState.PAUSED, DownloadState.QUEUED,
          DownloadState.RESOLVING, DownloadState.DOWNLOADING, DownloadState.VERIFYING, DownloadState.COMPLETED);
    }
  }

  @Test
  void aPausedDownloadCanBeCancelledAndAResumeWhilePausingRequeuesIt() throws Exception {
    byte[] body = TestData.bytes(4 * MIB, 9);
    origin.file(PATH, body).etag("\"v1\"").throttle(1024 * 1024);
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(2));
      waitUntil(() -> covered(part) > 0, 20_000);
      assertThat(h.pause()).isTrue();
      assertThat(h.resume()).as("resume before the transfer has stopped").isTrue();
      DownloadResult r = h.result().join();
      assertThat(TestData.sha256(Files.readAllBytes(r.path()))).isEqualTo(TestData.sha256(body));

      DownloadHandle again = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir.resolve("2"))
          .connections(2));
      waitUntil(() -> covered(dir.resolve("2/model.safetensors.part")) > 0, 20_000);
      again.pause();
      waitUntil(() -> again.state() == DownloadState.PAUSED, 5_000);
      waitUntil(() -> origin.openConnections() == 0, 5_000);
      assertThat(again.cancel()).isTrue();
      assertThat(again.state()).isEqualTo(DownloadState.CANCELLED);
      assertThat(again.result()).failsWithin(Duration.ofSeconds(5));
      assertThat(again.resume()).isFalse();
      assertThat(List.of(again.snapshot().files().get(0).state())).containsExactly(DownloadState.CANCELLED);
    }
  }

  static long covered(Path part) {
    return ControlFile.read(ControlFile.pathFor(part)).map(ControlFile::completedBytes).orElse(0L);
  }
}
