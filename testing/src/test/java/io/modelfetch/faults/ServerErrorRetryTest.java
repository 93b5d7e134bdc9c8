package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.RetryInfo;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transient server errors (502, 503, 504) and rate limits (429): retried with exponential backoff,
 * or exactly as long as the server asked ({@code Retry-After}, {@code RateLimit ...;t=N}); when the
 * attempts run out, an error that says what happened.
 *
 * <p>Waits are checked twice: the delay the engine announced in {@code onRetrying} (exact), and
 * the gap between the requests as the origin saw them (never shorter; longer only by a generous
 * scheduling allowance).
 */
class ServerErrorRetryTest extends FaultTest {
  private static final String PATH = "/model.safetensors";
  /** Scheduling noise allowed on top of a wait; far below the difference between the waits compared. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  @ParameterizedTest
  @ValueSource(ints = {502, 503, 504, 429})
  void aTransientErrorOnARangeIsRetried(int status) throws Exception {
    byte[] data = TestData.bytes(2 * MIB, 71);
    origin.file(PATH, data).etag("\"v1\"").failRanges(2, status, "Retry-After", "0");
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1));
      assertSameContent(r.path(), data);
    }
    assertThat(events.retries()).extracting(RetryInfo::reason)
        .containsExactly("HTTP " + status + " from 127.0.0.1", "HTTP " + status + " from 127.0.0.1");
    assertThat(events.retries()).extracting(RetryInfo::attempt).containsExactly(2, 3);
  }

  @Test
  void withoutRetryAfterTheWaitGrowsExponentiallyWithJitter() throws Exception {
    byte[] data = TestData.bytes(MIB, 72);
    origin.file(PATH, data).etag("\"v1\"").failRanges(2, 502);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1));
    }
    List<Duration> waits = events.retries().stream().map(RetryInfo::delay).toList();
    assertThat(waits).hasSize(2);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1250));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(1500), Duration.ofMillis(2500));
    List<RecordedRequest> ranged = origin.requests(PATH).subList(1, 4);
    assertThat(gap(ranged.get(0), ranged.get(1))).isGreaterThanOrEqualTo(waits.get(0));
    assertThat(gap(ranged.get(1), ranged.get(2))).isGreaterThanOrEqualTo(waits.get(1));
  }

  @Test
  void aNumericRetryAfterIsHonouredExactly() throws Exception {
    byte[] data = TestData.bytes(MIB, 73);
    origin.file(PATH, data).etag("\"v1\"").failFirst(1, 503, "Retry-After", "2");
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir));
    }
    assertThat(events.retries()).extracting(RetryInfo::delay).containsExactly(Duration.ofSeconds(2));
    List<RecordedRequest> requests = origin.requests(PATH);
    assertThat(gap(requests.get(0), requests.get(1)))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
  }

  @Test
  void aRateLimitResetIsHonouredExactly() throws Exception {
    byte[] data = TestData.bytes(MIB, 74);
    // Hugging Face's form; Retry-After, if present too, is less precise than t
    origin.file(PATH, data).etag("\"v1\"").failRanges(1, 429, "RateLimit", "\"api\";r=0;t=2", "Retry-After", "5");
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1));
    }
    assertThat(events.retries()).extracting(RetryInfo::delay).containsExactly(Duration.ofSeconds(2));
    List<RecordedRequest> ranged = origin.requests(PATH).subList(1, 3);
    assertThat(gap(ranged.get(0), ranged.get(1))).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(SLACK));
  }

  @Test
  void whenTheAttemptsRunOutTheErrorSaysTheServerKeptFailing() throws Exception {
    origin.file(PATH, TestData.bytes(MIB, 75)).etag("\"v1\"").failRanges(100, 503, "Retry-After", "0");
    try (Downloads downloads = builder().retries(2).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.NETWORK);
            assertThat(e.getMessage()).contains("HTTP 503").contains("127.0.0.1").contains("try again later");
          });
    }
    assertThat(rangesAfter(PATH, 0)).as("attempts").hasSize(3);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void whenRateLimitedToTheEndTheErrorSaysSo() throws Exception {
    origin.file(PATH, TestData.bytes(MIB, 76)).failFirst(100, 429, "Retry-After", "0");
    try (Downloads downloads = builder().retries(2).build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("429").contains("too many requests");
          });
    }
    assertThat(origin.requests(PATH)).hasSize(3);
  }

  @Test
  void aServerAskingForAnHoursWaitFailsAtOnceSayingHowLong() throws Exception {
    origin.file(PATH, TestData.bytes(MIB, 77)).etag("\"v1\"").failRanges(100, 429, "Retry-After", "3600");
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).connections(1)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("60 min");
          });
    }
    assertThat(rangesAfter(PATH, 0)).hasSize(1);
  }

  private static Duration gap(RecordedRequest earlier, RecordedRequest later) {
    return Duration.ofNanos(later.receivedNanos() - earlier.receivedNanos());
  }
}
