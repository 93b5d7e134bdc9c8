package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two downloads of the same target at once, from two independent {@link Downloads} (as two
 * programs in one JVM would): one transfers, the other waits on the target's lock and then finds
 * the file complete; the file ends correct and is fetched once.
 */
class ConcurrentDownloadsTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void twoDownloadsOfOneTargetFetchItOnceAndTheSecondWaits() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 51);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    RecordingListener firstEvents = new RecordingListener();
    RecordingListener secondEvents = new RecordingListener();
    try (Downloads first = builder().listener(firstEvents).build();
        Downloads second = builder().listener(secondEvents).build()) {
      DownloadHandle a = first.submit(request(data));
      waitUntil(() -> a.progress().bytesDone() > 0, 10_000);
      DownloadHandle b = second.submit(request(data));
      DownloadResult ra = a.result().get(30, TimeUnit.SECONDS);
      DownloadResult rb = b.result().get(30, TimeUnit.SECONDS);
      assertThat(ra.file().status()).isEqualTo(Status.DOWNLOADED);
      assertThat(rb.file().status()).isEqualTo(Status.ALREADY_PRESENT);
      assertThat(rb.path()).isEqualTo(ra.path());
      assertSameContent(ra.path(), data);
    }
    assertThat(secondEvents.notices()).anySatisfy(n -> assertThat(n).contains("waiting"));
    // the waiter's probe asks for one byte; everything else is the first download's
    assertThat(origin.bodyBytesServed()).isLessThanOrEqualTo(data.length + 2 + 64 * 1024);
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  @Test
  void aWaitingDownloadTakesOverWhenTheFirstIsCancelled() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 52);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    Path part = dir.resolve("model.safetensors.part");
    RecordingListener secondEvents = new RecordingListener();
    try (Downloads first = builder().build(); Downloads second = builder().listener(secondEvents).build()) {
      DownloadHandle a = first.submit(request(data));
      waitUntil(() -> stateCovers(part) >= MIB, 10_000);
      DownloadHandle b = second.submit(request(data));
      waitUntil(() -> !secondEvents.notices().isEmpty(), 10_000);
      a.cancel();
      origin.file(PATH, data).etag("\"v1\"");
      DownloadResult rb = b.result().get(30, TimeUnit.SECONDS);
      assertThat(rb.file().status()).isEqualTo(Status.RESUMED);
      assertSameContent(rb.path(), data);
    }
    assertThat(secondEvents.resumedBytes()).singleElement().satisfies(n -> assertThat(n).isGreaterThanOrEqualTo(MIB));
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  @Test
  void cancellingAWaitingDownloadLeavesTheRunningOneAlone() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 53);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    RecordingListener secondEvents = new RecordingListener();
    try (Downloads first = builder().build(); Downloads second = builder().listener(secondEvents).build()) {
      DownloadHandle a = first.submit(request(data));
      waitUntil(() -> a.progress().bytesDone() > 0, 10_000);
      DownloadHandle b = second.submit(request(data));
      waitUntil(() -> !secondEvents.notices().isEmpty(), 10_000);
      b.cancel();
      assertThat(b.result()).failsWithin(5, TimeUnit.SECONDS);
      DownloadResult ra = a.result().get(30, TimeUnit.SECONDS);
      assertSameContent(ra.path(), data);
    }
  }

  private DownloadRequest request(byte[] data) {
    return DownloadRequest.of(origin.url(PATH)).into(dir).connections(4).sha256(TestData.sha256(data));
  }
}
