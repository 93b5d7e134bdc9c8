package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.Resource;
import io.modelfetch.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The file on the server changes under a partial download (a new ETag), or the server stops
 * honouring ranges: the stale part is never mixed with new bytes, the download starts over
 * cleanly, and the listener hears why.
 */
class RemoteChangedTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aFileChangedBetweenRunsIsFetchedAgainFromScratch() throws Exception {
    byte[] before = TestData.bytes(8 * MIB, 21);
    byte[] after = TestData.bytes(8 * MIB, 22);
    Resource file = origin.file(PATH, before).etag("\"v1\"").throttle(MIB);
    cancelMidway(2 * MIB);
    file.body(after).etag("\"v2\"").throttle(0);
    int requestsBefore = origin.requests().size();

    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir)
          .sha256(TestData.sha256(after)));
      assertSameContent(r.path(), after);
    }
    assertThat(events.resumedBytes()).containsExactly(0L);
    assertThat(events.restarts()).singleElement().asString().contains("changed").contains("\"v1\"")
        .contains("\"v2\"");
    assertThat(origin.requests().stream().skip(requestsBefore).filter(r -> r.header("if-range").isPresent()))
        .allMatch(r -> r.header("if-range").get().equals("\"v2\""));
  }

  @Test
  void aFileThatChangedSizeBetweenRunsIsFetchedAgainFromScratch() throws Exception {
    byte[] before = TestData.bytes(8 * MIB, 23);
    byte[] after = TestData.bytes(6 * MIB, 24);
    Resource file = origin.file(PATH, before).etag("\"v1\"").throttle(MIB);
    cancelMidway(2 * MIB);
    file.body(after).etag("\"v2\"").throttle(0);

    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir));
      assertSameContent(r.path(), after);
    }
    assertThat(events.restarts()).singleElement().asString().contains("size");
  }

  /**
   * The file changes while a connection waits to retry: its {@code If-Range} with the old ETag
   * gets the whole new file with 200, which must not be written at the retry's offset.
   */
  @Test
  void aFileChangedDuringTheDownloadRestartsItWithoutMixingVersions() throws Exception {
    byte[] before = TestData.bytes(4 * MIB, 25);
    byte[] after = TestData.bytes(4 * MIB, 26);
    Resource file = origin.file(PATH, before).etag("\"v1\"").throttle(2 * MIB).disconnectAfter(MIB, 1);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1));
      // the cut comes right after the origin sent 1 MiB; the retry waits at least 0.75 s
      waitUntil(() -> origin.bodyBytesServed(PATH) >= MIB + 1, 10_000);
      file.body(after).etag("\"v2\"").throttle(0);
      DownloadResult r = h.result().get(30, TimeUnit.SECONDS);
      assertSameContent(r.path(), after);
    }
    assertThat(events.restarts()).singleElement().asString().contains("200");
    assertThat(events.eventsWithoutProgress()).as("the documented order: one onFileStarted, restarts after it")
        .containsExactly("resolved", "started", "fileStarted", "restarted", "verifying", "fileCompleted", "completed");
    List<RecordedRequest> ranged = origin.requests(PATH);
    assertThat(ranged).anySatisfy(r -> {
      assertThat(r.range()).hasValueSatisfying(range -> assertThat(range[0]).isEqualTo(MIB));
      assertThat(r.header("if-range")).hasValue("\"v1\"");
    });
  }

  @Test
  void aServerThatAnswersRangesWithTheWholeFileIsDownloadedAsOneStream() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 27);
    origin.file(PATH, data).etag("\"v1\"").ignoreRangesAfterProbe();
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir)
          .sha256(TestData.sha256(data)));
      assertSameContent(r.path(), data);
    }
    assertThat(events.restarts()).singleElement().asString().contains("200");
    assertThat(events.eventsWithoutProgress())
        .containsExactly("resolved", "started", "fileStarted", "restarted", "verifying", "fileCompleted", "completed");
    List<RecordedRequest> requests = origin.requests(PATH);
    assertThat(requests.get(requests.size() - 1).header("range")).as("the last request, one stream").isEmpty();
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  @Test
  void aPartialFileIsStartedOverWhenTheServerNoLongerHonoursRanges() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 28);
    Resource file = origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    cancelMidway(2 * MIB);
    file.ignoreRanges().throttle(0);

    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir));
      assertSameContent(r.path(), data);
    }
    assertThat(events.restarts()).singleElement().asString().contains("range");
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  /** Runs a download until its resume state covers {@code bytes}, then cancels it. */
  private void cancelMidway(long bytes) throws Exception {
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads first = builder().build()) {
      DownloadHandle h = first.submit(DownloadRequest.of(origin.url(PATH)).into(dir).connections(4));
      waitUntil(() -> stateCovers(part) >= bytes, 20_000);
      h.cancel();
      h.result().handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    }
    assertThat(stateCovers(part)).isGreaterThanOrEqualTo(bytes);
  }
}
