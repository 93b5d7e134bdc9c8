package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.FakeOrigin.Reply;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.Resource;
import io.modelfetch.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The file's URL redirects to a presigned CDN link on another host, which expires mid-download
 * (403 on a range): the source URL is resolved again once for a fresh link and the download goes
 * on; a link that stays refused fails clearly instead of looping.
 */
class ExpiredSignedUrlTest extends FaultTest {
  private static final String API = "/api/models/7/file";
  private static final String CDN = "/cdn/model.bin";

  private final AtomicInteger signatures = new AtomicInteger();

  /** Each resolution of the API URL hands out a newly signed CDN link on the other host name. */
  private Resource serveSigned(byte[] data) {
    origin.handle(API, req -> new Reply(302, Map.of("Location",
        origin.urlOnOtherHost(CDN) + "?X-Amz-Signature=sig" + signatures.incrementAndGet()), new byte[0]));
    return origin.file(CDN, data).etag("\"v1\"");
  }

  @Test
  void anExpiredLinkIsResolvedAgainOnceAndTheDownloadContinues() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 101);
    serveSigned(data).failRanges(1, 403);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(API)).into(dir).connections(2)
          .sha256(TestData.sha256(data)));
      assertThat(r.path().getFileName()).hasToString("model.bin");
      assertSameContent(r.path(), data);
    }
    assertThat(origin.requests(API)).as("resolutions").hasSize(2);
    List<RecordedRequest> cdn = origin.requests(CDN);
    long refusedStart = cdn.get(indexOfFirstRanged(cdn)).range().orElseThrow()[0];
    assertThat(cdn).as("the refused range asked for again with the fresh link").anySatisfy(q -> {
      assertThat(q.target()).endsWith("sig2");
      assertThat(q.range()).hasValueSatisfying(r -> assertThat(r[0]).isEqualTo(refusedStart));
    });
    assertThat(events.notices()).anySatisfy(n -> assertThat(n).contains("expired"));
    assertThat(events.restarts()).isEmpty();
  }

  @Test
  void aLinkThatStaysRefusedFailsAsAccessDeniedWithoutLooping() throws Exception {
    byte[] data = TestData.bytes(2 * MIB, 102);
    serveSigned(data).failRanges(100, 403);
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(API)).into(dir).connections(1)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
            assertThat(e.getMessage()).contains("403").doesNotContain("sig1").doesNotContain("sig2");
          });
    }
    assertThat(origin.requests(API)).as("resolutions").hasSize(2);
    assertThat(dir.resolve("model.bin")).doesNotExist();
  }

  /**
   * The fresh link leads to a new version of the file: the bytes already written belong to the
   * old one, so the download must start over rather than continue with the new link.
   */
  @Test
  void aFreshLinkToAChangedFileStartsTheDownloadOver() throws Exception {
    byte[] before = TestData.bytes(4 * MIB, 103);
    byte[] after = TestData.bytes(4 * MIB, 104);
    Resource file = serveSigned(before).throttle(MIB).failRanges(1, 403);
    origin.handle(API, req -> {
      if (signatures.incrementAndGet() == 2) {
        file.body(after).etag("\"v2\"");
      }
      return new Reply(302, Map.of("Location", origin.urlOnOtherHost(CDN) + "?X-Amz-Signature=sig"
          + signatures.get()), new byte[0]);
    });
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(API)).into(dir).connections(2));
      assertSameContent(r.path(), after);
    }
    assertThat(events.restarts()).isNotEmpty();
  }

  @Test
  void aResumeResolvesTheLinkAgainAndKeepsWhatTheOldLinkFetched() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 105);
    serveSigned(data).throttle(MIB);
    Path part = dir.resolve("model.bin.part");
    try (Downloads first = builder().build()) {
      var h = first.submit(DownloadRequest.of(origin.url(API)).into(dir).connections(4));
      waitUntil(() -> stateCovers(part) >= 2 * MIB, 20_000);
      h.cancel();
      h.result().handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    }
    long kept = stateCovers(part);
    int before = origin.requests().size();
    origin.file(CDN, data).etag("\"v1\"");
    RecordingListener events = new RecordingListener();
    try (Downloads second = builder().listener(events).build()) {
      DownloadResult r = second.download(DownloadRequest.of(origin.url(API)).into(dir)
          .sha256(TestData.sha256(data)));
      assertSameContent(r.path(), data);
    }
    assertThat(events.resumedBytes()).containsExactly(kept);
    assertThat(origin.requests().stream().skip(before).filter(q -> q.path().equals(CDN)))
        .as("the second run uses a freshly signed link").isNotEmpty()
        .allSatisfy(q -> assertThat(q.target()).endsWith("sig2"));
  }

  private static int indexOfFirstRanged(List<RecordedRequest> requests) {
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).range().filter(r -> r[1] != 0).isPresent()) {
        return i;
      }
    }
    throw new AssertionError("no ranged request in " + requests);
  }
}
