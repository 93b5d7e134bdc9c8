package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import io.modelfetch.Progress;
import io.modelfetch.Secret;
import io.modelfetch.spi.ScopedHeader;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.Resource;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What the aria2 backend does beyond the shared contract, with a real aria2c. */
class Aria2BackendTest {
  private static final String TOKEN = "hf_tokenThatMustNeverLeak";

  @TempDir
  Path dir;
  private FakeOrigin origin;

  @BeforeEach
  void requireAria2c() {
    RealAria2c.require();
  }

  @BeforeEach
  void startOrigin() throws Exception {
    origin = FakeOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
  }

  private static Downloads.Builder aria2() {
    return Downloads.builder()
        .backend(new Aria2Backend())
        .defaultBackend(Aria2Backend.NAME)
        .discoverPlugins(false)
        .retries(3)
        .idleTimeout(Duration.ofSeconds(5));
  }

  @Test
  void reportsProgressAndCompletionLikeTheBuiltInBackend() throws Exception {
    byte[] data = TestData.bytes(6 << 20, 11);
    origin.file("/model.safetensors", data).etag("\"v1\"").throttle(1 << 20);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = aria2().connectionsPerFile(8).listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url("/model.safetensors")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.DOWNLOADED);
    }
    assertThat(events.eventsWithoutProgress())
        .containsExactly("resolved", "started", "fileStarted", "verifying", "fileCompleted", "completed");
    assertThat(events.resumedBytes()).containsExactly(0L);
    List<Progress> progress = events.progress();
    assertThat(progress).as("progress events while ~1 s of throttled transfer").hasSizeGreaterThan(2);
    assertThat(progress).extracting(Progress::bytesDone).isSorted();
    assertThat(progress).anySatisfy(p -> assertThat(p.bytesDone()).isBetween(1L, data.length - 1L));
    assertThat(progress).anySatisfy(p -> assertThat(p.openConnections()).isGreaterThan(1));
    assertThat(progress).last().satisfies(p -> assertThat(p.bytesDone()).isEqualTo(data.length));
    assertThat(origin.requests("/model.safetensors")).extracting(RecordedRequest::connection).doesNotHaveDuplicates()
        .hasSizeGreaterThan(2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.safetensors");
    }
  }

  @Test
  void cancelStopsAria2AtOnceAndKeepsItsControlFileForResume() throws Exception {
    byte[] data = TestData.bytes(8 << 20, 12);
    origin.file("/slow.bin", data).etag("\"v1\"").throttle(256 * 1024);
    try (Downloads downloads = aria2().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/slow.bin")).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 0);
      assertThat(h.cancel()).isTrue();
      assertThatThrownBy(() -> h.result().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DownloadException.class)
          .satisfies(e -> assertThat(((DownloadException) e.getCause()).kind())
              .isEqualTo(DownloadException.Kind.CANCELLED));
      assertThat(dir.resolve("slow.bin.part")).exists();
      assertThat(dir.resolve("slow.bin.part.aria2")).exists();
      // the origin counts what it wrote to a socket until it notices the peer closed it; give it a moment
      Thread.sleep(300);
      long served = origin.bodyBytesServed();
      Thread.sleep(700);
      assertThat(origin.bodyBytesServed()).as("bytes served later (about 1 MB/s if aria2c kept going)")
          .isEqualTo(served);
    }
    assertThat(dir.resolve("slow.bin")).doesNotExist();
  }

  @Test
  void resumesInANewDownloadsFromAria2sControlFile() throws Exception {
    byte[] data = TestData.bytes(8 << 20, 13);
    Resource file = origin.file("/big.bin", data).etag("\"v1\"").throttle(512 * 1024);
    DownloadRequest request = DownloadRequest.of(origin.url("/big.bin")).into(dir).sha256(TestData.sha256(data));
    try (Downloads first = aria2().connectionsPerFile(4).build()) {
      DownloadHandle h = first.submit(request);
      waitUntil(() -> h.progress().bytesDone() > 3 << 20);
      h.cancel();
      assertThatThrownBy(() -> h.result().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DownloadException.class);
    }
    assertThat(Aria2Processes.children()).as("daemons after the first Downloads closed").isEmpty();
    // still throttled: aria2's first request has no Range, and the origin counts what it pushes into socket buffers
    file.throttle(2 << 20);
    RecordingListener events = new RecordingListener();
    try (Downloads second = aria2().connectionsPerFile(4).listener(events).build()) {
      DownloadResult r = second.download(request);
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.RESUMED);
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    assertThat(events.resumedBytes()).singleElement().satisfies(kept -> assertThat(kept).isGreaterThan(2L << 20));
    assertThat(origin.bodyBytesServed()).as("bytes served over both runs").isLessThan(data.length * 3L / 2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("big.bin");
    }
  }

  @Test
  void startsOverWhenTheRemoteFileChangedSinceThePartialDownload() throws Exception {
    byte[] old = TestData.bytes(4 << 20, 14);
    origin.file("/v.bin", old).etag("\"v1\"").throttle(256 * 1024);
    try (Downloads first = aria2().build()) {
      DownloadHandle h = first.submit(DownloadRequest.of(origin.url("/v.bin")).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 0);
      h.cancel();
      assertThatThrownBy(() -> h.result().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DownloadException.class);
    }
    byte[] changed = TestData.bytes(4 << 20, 15);
    origin.file("/v.bin", changed).etag("\"v2\"");
    RecordingListener events = new RecordingListener();
    try (Downloads second = aria2().listener(events).build()) {
      DownloadResult r = second.download(DownloadRequest.of(origin.url("/v.bin")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(changed);
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.DOWNLOADED);
    }
    assertThat(events.restarts()).singleElement().asString().contains("another version");
  }

  @Test
  void continuesFromAFreshLinkWhenTheSignedOneExpires() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 20);
    Resource signed = origin.file("/signed.bin", data).etag("\"v1\"").throttle(1 << 20).disconnectAfter(1 << 20, 1);
    origin.file("/fresh.bin", data).etag("\"v1\"");
    origin.redirect("/start", origin.urlOnOtherHost("/signed.bin"), 302);
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = aria2().connectionsPerFile(1).listener(events).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/start")).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 0);
      // the link expires: every later request for it is refused, and the source now redirects to a fresh one
      signed.failFirst(1000, 403);
      origin.redirect("/start", origin.urlOnOtherHost("/fresh.bin"), 302);
      DownloadResult r = h.result().get(20, TimeUnit.SECONDS);
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    assertThat(events.notices()).anySatisfy(n -> assertThat(n).contains("expired"));
    assertThat(origin.requests("/signed.bin")).anySatisfy(q -> assertThat(q.header("range")).isEmpty());
    // aria2 opens with a plain GET (it learns the size) and drops it when its first missing piece is not at 0
    assertThat(origin.requests("/fresh.bin"))
        .as("ranges asked from the fresh link: they continue where the expired one stopped")
        .extracting(q -> q.header("range").orElse(""))
        .filteredOn(range -> !range.isEmpty() && !range.equals("bytes=0-0"))
        .isNotEmpty()
        .noneSatisfy(range -> assertThat(range).startsWith("bytes=0-"));
  }

  @Test
  void aLinkThatStaysRefusedFailsAsAccessDeniedAndKeepsThePartialFile() throws Exception {
    Resource file = origin.file("/gated.bin", TestData.bytes(4 << 20, 24)).etag("\"v1\"").throttle(1 << 20)
        .disconnectAfter(1 << 20, 1);
    try (Downloads downloads = aria2().connectionsPerFile(1).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/gated.bin")).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 0);
      file.failFirst(1000, 403);
      assertThatThrownBy(() -> h.result().get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DownloadException.class)
          .satisfies(e -> {
            DownloadException d = (DownloadException) e.getCause();
            assertThat(d.kind()).isEqualTo(DownloadException.Kind.ACCESS_DENIED);
            assertThat(d.getMessage()).contains("403");
          });
    }
    assertThat(dir.resolve("gated.bin.part")).exists();
    assertThat(dir.resolve("gated.bin.part.aria2")).exists();
  }

  @Test
  void anOptionAria2cRejectsFailsAsAnInvalidRequest() throws Exception {
    origin.file("/model.bin", TestData.bytes(1 << 20, 25));
    try (Downloads downloads = aria2().backendOption("aria2.file-allocation", "sideways").build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url("/model.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("file-allocation").contains("aria2.* backend options");
          });
    }
  }

  @Test
  void aScopedTokenReachesItsOwnHostButNotTheHostItRedirectsTo() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 16);
    origin.file("/cdn/model.bin", data);
    origin.redirect("/api/model", origin.urlOnOtherHost("/cdn/model.bin"), 302);
    ScopedHeader auth = ScopedHeader.bearer(Secret.of(TOKEN), "127.0.0.1");
    try (Downloads downloads = aria2().resolver(new ScopedSource(origin.uri("/api/model"), auth)).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(ScopedSource.SOURCE).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    List<RecordedRequest> cdn = origin.requests("/cdn/model.bin");
    assertThat(cdn).as("requests aria2c sent besides the engine's probe")
        .filteredOn(q -> !q.header("range").orElse("").equals("bytes=0-0")).isNotEmpty();
    assertThat(cdn).allSatisfy(q -> {
      assertThat(q.host()).isEqualTo("localhost");
      assertThat(q.header("authorization")).isEmpty();
    });
    assertThat(origin.requests("/api/model")).allSatisfy(
        q -> assertThat(q.header("authorization")).contains("Bearer " + TOKEN));
  }

  @Test
  void aScopedTokenGoesWithEveryRequestToItsHost() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 17);
    origin.file("/private/model.bin", data);
    ScopedHeader auth = ScopedHeader.bearer(Secret.of(TOKEN), "127.0.0.1");
    try (Downloads downloads = aria2().resolver(new ScopedSource(origin.uri("/private/model.bin"), auth)).build()) {
      downloads.download(DownloadRequest.of(ScopedSource.SOURCE).into(dir));
    }
    List<RecordedRequest> requests = origin.requests("/private/model.bin");
    assertThat(requests).filteredOn(q -> !q.header("range").orElse("").equals("bytes=0-0")).hasSizeGreaterThan(1);
    assertThat(requests).allSatisfy(q -> assertThat(q.header("authorization")).contains("Bearer " + TOKEN));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void neitherTheRpcSecretNorATokenIsOnTheDaemonsCommandLine() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 18);
    origin.file("/private/model.bin", data).throttle(128 * 1024);
    ScopedHeader auth = ScopedHeader.bearer(Secret.of(TOKEN), "127.0.0.1");
    try (Downloads downloads = aria2().resolver(new ScopedSource(origin.uri("/private/model.bin"), auth)).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(ScopedSource.SOURCE).into(dir));
      waitUntil(() -> h.progress().bytesDone() > 0);
      assertThat(origin.requests("/private/model.bin")).last()
          .satisfies(q -> assertThat(q.header("authorization")).contains("Bearer " + TOKEN));
      ProcessHandle daemon = Aria2Processes.children().get(0);
      List<String> args = List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(daemon.pid()), "cmdline")),
          StandardCharsets.UTF_8).split("\0"));
      assertThat(args).hasSize(2);
      assertThat(args.get(1)).startsWith("--conf-path=");
      assertThat(String.join(" ", args)).doesNotContain(TOKEN).doesNotContain("secret").doesNotContain("header");
      assertThat(Path.of(args.get(1).substring("--conf-path=".length())))
          .as("the configuration file with the RPC secret, deleted once aria2c read it").doesNotExist();
      h.cancel();
    }
  }

  @Test
  void savesATorrentFileInsteadOfFollowingIt() throws Exception {
    byte[] torrent = "d8:announce27:http://127.0.0.1:1/announce4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee"
        .getBytes(StandardCharsets.US_ASCII);
    origin.file("/model.torrent", torrent).contentType("application/x-bittorrent");
    try (Downloads downloads = aria2().build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url("/model.torrent")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(torrent);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.torrent");
    }
  }

  @Test
  void concurrentDownloadsShareOneDaemon() throws Exception {
    byte[] a = TestData.bytes(2 << 20, 22);
    byte[] b = TestData.bytes(3 << 20, 23);
    origin.file("/a.bin", a).throttle(1 << 20);
    origin.file("/b.bin", b).throttle(1 << 20);
    try (Downloads downloads = aria2().build()) {
      DownloadHandle ha = downloads.submit(DownloadRequest.of(origin.url("/a.bin")).into(dir));
      DownloadHandle hb = downloads.submit(DownloadRequest.of(origin.url("/b.bin")).into(dir));
      waitUntil(() -> ha.progress().bytesDone() > 0 && hb.progress().bytesDone() > 0);
      assertThat(Aria2Processes.children()).hasSize(1);
      assertThat(Files.readAllBytes(ha.result().get(20, TimeUnit.SECONDS).path())).isEqualTo(a);
      assertThat(Files.readAllBytes(hb.result().get(20, TimeUnit.SECONDS).path())).isEqualTo(b);
    }
  }

  @Test
  void closeStopsTheDaemon() throws Exception {
    origin.file("/small.bin", TestData.bytes(1 << 20, 19));
    Downloads downloads = aria2().build();
    downloads.download(DownloadRequest.of(origin.url("/small.bin")).into(dir));
    List<ProcessHandle> daemons = Aria2Processes.children();
    assertThat(daemons).hasSize(1);
    downloads.close();
    assertThat(daemons.get(0).isAlive()).isFalse();
    assertThat(Aria2Processes.children()).isEmpty();
  }

  @Test
  void startsNoDaemonUntilAFileIsTransferred() throws Exception {
    try (Downloads downloads = aria2().build()) {
      assertThat(downloads.backends()).contains(Aria2Backend.NAME);
      assertThat(Aria2Processes.children()).isEmpty();
    }
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
