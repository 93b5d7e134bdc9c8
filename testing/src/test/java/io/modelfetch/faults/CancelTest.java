package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link DownloadHandle#cancel()} stops at once, wherever the download is (streaming, waiting to
 * retry), closes its connections, and keeps the partial file for a later resume unless told to
 * discard it.
 */
class CancelTest extends FaultTest {
  private static final String PATH = "/model.safetensors";
  /** A liveness bound, not a performance claim: a cancel takes milliseconds; only a hang takes this long. */
  private static final long PROMPTLY_SECONDS = 5;

  @Test
  void cancelStopsPromptlyClosesEveryConnectionAndKeepsThePart() throws Exception {
    origin.file(PATH, TestData.bytes(16 * MIB, 41)).etag("\"v1\"").throttle(512 * 1024);
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(8));
      waitUntil(() -> stateCovers(part) >= MIB && h.progress().openConnections() == 8, 20_000);
      assertThat(origin.openConnections()).isGreaterThanOrEqualTo(8);

      DownloadException e = cancelAndAwait(h);
      assertThat(e.getMessage()).contains("partial files are kept");
      waitUntil(() -> origin.openConnections() == 0, 2_000);
      long served = origin.bodyBytesServed();
      Thread.sleep(300);
      assertThat(origin.bodyBytesServed()).as("bytes served after the cancel").isEqualTo(served);
    }
    assertThat(stateCovers(part)).isGreaterThanOrEqualTo(MIB);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void discardingOnCancelDeletesThePartialFile() throws Exception {
    origin.file(PATH, TestData.bytes(16 * MIB, 42)).etag("\"v1\"").throttle(512 * 1024);
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(4)
          .discardPartialOnCancel(true));
      waitUntil(() -> stateCovers(part) >= MIB, 20_000);
      assertThat(cancelAndAwait(h).getMessage()).doesNotContain("kept");
    }
    assertThat(namesIn(dir)).doesNotContain("model.safetensors", "model.safetensors.part",
        "model.safetensors.part.state");
  }

  @Test
  void cancelWakesAConnectionWaitingToRetry() throws Exception {
    origin.file(PATH, TestData.bytes(4 * MIB, 43)).etag("\"v1\"").failRanges(100, 503, "Retry-After", "60");
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(2));
      waitUntil(() -> origin.requests(PATH).size() >= 3, 10_000);
      cancelAndAwait(h);
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void cancelWakesAFirstRequestWaitingToRetry() throws Exception {
    origin.file(PATH, TestData.bytes(MIB, 44)).failFirst(100, 429, "Retry-After", "60");
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir));
      waitUntil(() -> origin.requests(PATH).size() >= 1, 10_000);
      cancelAndAwait(h);
    }
  }

  /** Cancels, and returns the CANCELLED error the handle completes with; fails past a liveness bound. */
  private static DownloadException cancelAndAwait(DownloadHandle h) {
    long start = System.nanoTime();
    assertThat(h.cancel()).isTrue();
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
        () -> h.result().get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
    assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(DownloadException.class);
    DownloadException e = (DownloadException) failure.getCause();
    assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(PROMPTLY_SECONDS));
    return e;
  }
}
