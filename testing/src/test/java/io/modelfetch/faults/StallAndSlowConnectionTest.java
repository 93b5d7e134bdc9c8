package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.RetryInfo;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connections that go silent or crawl: a read with no byte for the idle timeout is abandoned and
 * retried from its last byte; a connection far slower than its peers has its rest raced on another
 * connection (a hedge), so it never holds the finish.
 */
class StallAndSlowConnectionTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aStalledReadIsAbandonedAfterTheIdleTimeoutAndRetriedFromItsLastByte() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 81);
    origin.file(PATH, data).etag("\"v1\"").stallAfter(MIB, 1);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().idleTimeout(Duration.ofSeconds(1)).listener(events).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1)
          .sha256(TestData.sha256(data)));
      // the origin never resumes a stalled response: without the idle timeout this never completes
      DownloadResult r = h.result().get(30, TimeUnit.SECONDS);
      assertSameContent(r.path(), data);
    }
    assertThat(origin.requests(PATH).stream().map(q -> q.header("range").orElse("none")))
        .containsExactly("bytes=0-0", "bytes=0-4194303", "bytes=1048576-4194303");
    assertThat(events.retries()).singleElement().extracting(RetryInfo::reason).asString()
        .containsAnyOf("no data for 1 s", "timed out");
  }

  @Test
  void aConnectionFarSlowerThanItsPeersDoesNotHoldTheFinish() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 82);
    long fast = 2 * MIB;
    long slow = 64 * 1024;
    // the probe's connection is the first one; it is reused for the first range, at 64 KiB/s
    origin.file(PATH, data).etag("\"v1\"").throttle(fast).throttleFirstConnection(slow);
    long slowAloneSeconds = (data.length / 4) / slow;
    long start = System.nanoTime();
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(4)
          .sha256(TestData.sha256(data)));
      DownloadResult r = h.result().get(slowAloneSeconds, TimeUnit.SECONDS);
      assertSameContent(r.path(), data);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // at full speed it takes ~1.5 s; the slow connection alone would need 32 s for its quarter
    assertThat(took).isLessThan(Duration.ofSeconds(slowAloneSeconds / 2));

    List<RecordedRequest> requests = origin.requests(PATH);
    int slowConnection = requests.get(0).connection();
    long[] slowRange = requests.stream().filter(q -> q.connection() == slowConnection)
        .map(RecordedRequest::range).flatMap(Optional::stream).filter(q -> q[1] > 0)
        .findFirst().orElseThrow();
    assertThat(requests).as("another connection raced the slow one's range")
        .anySatisfy(q -> {
          assertThat(q.connection()).isNotEqualTo(slowConnection);
          assertThat(q.range()).hasValueSatisfying(range -> assertThat(overlaps(range, List.of(
              new long[] {slowRange[0], slowRange[1] + 1}))).isTrue());
        });
  }

  @Test
  void aFastDownloadIsNeverRacedAgainstItself() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 83);
    origin.file(PATH, data).etag("\"v1\"");
    try (Downloads downloads = builder().build()) {
      downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(16));
    }
    assertThat(origin.bodyBytesServed()).as("every byte served once, plus the probe's").isEqualTo(data.length + 1);
  }
}
