package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A connection that ends in the middle of a body (a reset, a proxy timeout, an EOF): the segment
 * continues from the last byte written, never from its start, and the retry count starts over
 * whenever bytes arrived.
 */
class ConnectionResetTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aCutConnectionResumesItsSegmentFromTheLastByteWritten() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 61);
    origin.file(PATH, data).etag("\"v1\"").disconnectAfter(MIB, 2);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1)
          .sha256(TestData.sha256(data)));
      assertSameContent(r.path(), data);
    }
    assertThat(origin.requests(PATH).stream().map(q -> q.header("range").orElse("none")))
        .containsExactly("bytes=0-0", "bytes=0-4194303", "bytes=1048576-4194303", "bytes=2097152-4194303");
    assertThat(events.retries()).hasSize(2)
        .allSatisfy(retry -> assertThat(retry.reason()).contains("closed early"));
    assertThat(origin.bodyBytesServed()).isEqualTo(data.length + 1);
  }

  @Test
  void everyCutSegmentOfAParallelDownloadContinuesWhereItStopped() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 62);
    long cut = 256 * 1024;
    origin.file(PATH, data).etag("\"v1\"").throttle(2 * MIB).disconnectAfter(cut, 4);
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(4)
          .sha256(TestData.sha256(data)));
      assertSameContent(r.path(), data);
    }
    List<long[]> ranges = rangesAfter(PATH, 0);
    List<long[]> cutOnes = ranges.subList(0, 4);
    List<Long> laterStarts = ranges.subList(4, ranges.size()).stream().map(r -> r[0]).collect(Collectors.toList());
    for (long[] first : cutOnes) {
      assertThat(laterStarts).as("retries of the segment at %d", first[0])
          .contains(first[0] + cut).doesNotContain(first[0]);
    }
  }

  @Test
  void aConnectionThatKeepsDroppingBeforeAnyDataFailsAfterTheLastAttempt() throws Exception {
    origin.file(PATH, TestData.bytes(2 * MIB, 64)).etag("\"v1\"").disconnectAfter(0, 100);
    try (Downloads downloads = builder().retries(1).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.NETWORK);
            assertThat(e.getMessage()).contains("2 attempts").contains("closed").contains("run the same");
          });
    }
    assertThat(rangesAfter(PATH, 0)).hasSize(2);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void withoutRangesACutStreamStartsOverAndSaysSo() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 65);
    origin.file(PATH, data).ignoreRanges().disconnectAfter(MIB, 1);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir)
          .sha256(TestData.sha256(data)));
      assertSameContent(r.path(), data);
    }
    assertThat(events.restarts()).singleElement().asString().contains("cannot resume");
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  @Test
  void theRetryCountStartsOverWheneverBytesArrive() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 63);
    origin.file(PATH, data).etag("\"v1\"").disconnectAfter(512 * 1024, 3);
    try (Downloads downloads = builder().retries(1).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1));
      assertSameContent(r.path(), data);
    }
    assertThat(rangesAfter(PATH, 0)).hasSize(4);
  }
}
