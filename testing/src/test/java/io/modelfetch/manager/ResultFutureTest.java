package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code result()} is the download: cancelling it or timing it out stops the download;
 * {@code handle.cancel()} still works afterwards; derived stages do not reach back.
 */
class ResultFutureTest extends ManagerTest {
  private static final String PATH = "/model.bin";

  @Test
  void cancellingTheResultFutureCancelsTheDownload() throws Exception {
    origin.file(PATH, TestData.bytes(8 * MIB, 1)).throttle(512 * 1024);
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(2));
      waitUntil(() -> h.progress().bytesDone() > 0, 10_000);
      assertThat(h.result().cancel(true)).isTrue();
      waitUntil(() -> h.state() == DownloadState.CANCELLED, 5_000);
      waitUntil(() -> origin.openConnections() == 0, 5_000);
      assertThat(h.cancel()).as("handle.cancel() after the future's cancel").isFalse();
    }
  }

  @Test
  void timingOutTheResultFutureCancelsTheDownloadButADerivedStageDoesNot() throws Exception {
    origin.file(PATH, TestData.bytes(8 * MIB, 2)).throttle(512 * 1024);
    origin.file("/other", TestData.bytes(MIB, 3)).throttle(512 * 1024);
    try (Downloads downloads = builder().build()) {
      DownloadHandle timed = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir));
      timed.result().orTimeout(200, TimeUnit.MILLISECONDS);
      waitUntil(() -> timed.state() == DownloadState.CANCELLED, 5_000);

      DownloadHandle other = downloads.submit(DownloadRequest.of(origin.url("/other")).into(dir));
      CompletableFuture<DownloadResult> derived = other.result().thenApply(r -> r);
      assertThat(derived.cancel(true)).isTrue();
      assertThat(other.result().join().file().size()).isEqualTo(MIB);
      assertThat(other.state()).isEqualTo(DownloadState.COMPLETED);
    }
  }

  @Test
  void handleCancelStillWorksWhileTheFutureWasGivenUpOnByGetWithTimeout() throws Exception {
    origin.file(PATH, TestData.bytes(8 * MIB, 4)).throttle(512 * 1024);
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir));
      try {
        h.result().get(100, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException expected) {
        // waiting with a timeout only waits
      }
      assertThat(h.state()).isIn(DownloadState.RESOLVING, DownloadState.DOWNLOADING);
      assertThat(h.cancel()).isTrue();
      waitUntil(() -> h.state() == DownloadState.CANCELLED, 5_000);
      assertThat(h.result()).isCompletedExceptionally();
    }
  }
}
