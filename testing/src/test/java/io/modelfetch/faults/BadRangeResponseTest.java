package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.RetryInfo;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A {@code 206} that does not match the request (another Content-Range, a body longer or shorter
 * than its range): nothing of it is written, the range is asked for again, and a file is never
 * declared complete with bytes missing.
 */
class BadRangeResponseTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aWrongContentRangeIsNotWrittenAndTheRangeIsAskedForAgain() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 91);
    // the first two ranged answers claim (and carry) the file's first MiB, whatever was asked
    origin.file(PATH, data).etag("\"v1\"").wrongRange(0, MIB - 1, 2);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(request(data).connections(2));
      assertSameContent(r.path(), data);
    }
    assertThat(events.retries()).hasSize(2).extracting(RetryInfo::reason)
        .allSatisfy(reason -> assertThat(reason).contains("Content-Range"));
  }

  @Test
  void aBodyLongerThanItsRangeIsNotWritten() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 92);
    origin.file(PATH, data).etag("\"v1\"").overlongBody(64 * 1024, 1);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(request(data).connections(2));
      assertSameContent(r.path(), data);
    }
    assertThat(events.retries()).singleElement().extracting(RetryInfo::reason).asString()
        .contains("Content-Length");
  }

  @Test
  void aBodyShorterThanItsRangeIsNotAcceptedAndTheRangeIsAskedForAgain() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 93);
    origin.file(PATH, data).etag("\"v1\"").shortBody(64 * 1024, 2);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(request(data).connections(2));
      assertSameContent(r.path(), data);
    }
    assertThat(events.retries()).hasSize(2);
  }

  @Test
  void aServerThatAlwaysSendsTooLittleNeverProducesAFile() throws Exception {
    byte[] data = TestData.bytes(2 * MIB, 94);
    origin.file(PATH, data).etag("\"v1\"").shortBody(1, 100);
    try (Downloads downloads = builder().retries(1).build()) {
      assertThatThrownBy(() -> downloads.download(request(data).connections(1)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NETWORK));
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  /**
   * Bytes after a body's announced end arrive on a connection already back in the pool; the next
   * request on it reads them instead of a status line, and must be sent again on a fresh one.
   */
  @Test
  void bytesPastTheAnnouncedEndAreNotTakenForTheNextResponse() throws Exception {
    byte[] first = TestData.bytes(2 * MIB, 95);
    byte[] second = TestData.bytes(2 * MIB, 96);
    origin.file(PATH, first).etag("\"v1\"").trailingGarbage(100, 1);
    origin.file("/second.bin", second).etag("\"v1\"");
    try (Downloads downloads = builder().build()) {
      DownloadResult a = downloads.download(request(first).connections(1));
      DownloadResult b = downloads.download(DownloadRequest.of(origin.url("/second.bin")).into(dir).connections(1)
          .sha256(TestData.sha256(second)));
      assertSameContent(a.path(), first);
      assertSameContent(b.path(), second);
    }
  }

  /**
   * A chunked 206 (no Content-Length, as some proxies send) that starts at byte 0 whatever was
   * asked, and ends where asked: only the Content-Range's first byte shows it is not the range
   * asked for. It is never written at the asked offset; the range is asked for again.
   */
  @Test
  void aChunkedAnswerStartingElsewhereThanAskedIsNotWritten() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 97);
    AtomicInteger wrongAnswers = new AtomicInteger(1);
    origin.handle(PATH, req -> {
      long[] r = req.range().orElseThrow();
      long last = r[1] < 0 ? data.length - 1 : Math.min(r[1], data.length - 1);
      long first = r[0] > 0 && wrongAnswers.getAndDecrement() > 0 ? 0 : r[0];
      return chunked206(data, first, last, data.length);
    });
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(request(data).connections(2));
      assertSameContent(r.path(), data);
    }
    assertThat(wrongAnswers.get()).as("the wrong answer was sent").isNegative();
  }

  /**
   * The file is replaced on the server by a longer one, and the server sends no validator
   * (no ETag, no Last-Modified) for If-Range to catch it: the ranged answers name a new total,
   * which must never be mixed into the part. The download fails; nothing reaches the final name.
   */
  @Test
  void aRangeOfAFileWhoseSizeChangedIsNeverMixedIn() throws Exception {
    byte[] data = TestData.bytes(2 * MIB, 98);
    byte[] grown = TestData.bytes(2 * MIB + 4096, 99);
    AtomicInteger requests = new AtomicInteger();
    origin.handle(PATH, req -> {
      long[] r = req.range().orElseThrow();
      byte[] now = requests.getAndIncrement() == 0 ? data : grown;
      long last = r[1] < 0 ? now.length - 1 : Math.min(r[1], now.length - 1);
      return chunked206(now, r[0], last, now.length);
    });
    try (Downloads downloads = builder().retries(1).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(2)))
          .isInstanceOf(DownloadException.class);
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  /** A 206 of {@code data[first..last]} (inclusive) of a file of {@code total} bytes, chunk-encoded. */
  private static FakeOrigin.Reply chunked206(byte[] data, long first, long last, long total) {
    int from = (int) first;
    int length = (int) (last - first + 1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] head = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    body.write(head, 0, head.length);
    body.write(data, from, length);
    byte[] tail = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    body.write(tail, 0, tail.length);
    return new FakeOrigin.Reply(206, Map.of("Content-Type", "application/octet-stream", "Transfer-Encoding", "chunked",
        "Content-Range", "bytes " + first + "-" + last + "/" + total), body.toByteArray());
  }

  private DownloadRequest request(byte[] data) {
    return DownloadRequest.of(origin.url(PATH)).into(dir).sha256(TestData.sha256(data));
  }
}
