package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TransferTest extends EngineTestBase {
  @Test
  void sixtyFourMibOverSixteenThrottledConnectionsArriveByteIdentical() throws Exception {
    byte[] data = TestData.bytes(64 << 20, 30);
    origin.file("/big.safetensors", data).etag("\"big\"").throttle(3 << 20);
    try (Downloads d = builder().connectionsPerFile(16).build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/big.safetensors")).into(dir)
          .sha256(TestData.sha256(data)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(r.bytesTransferred()).isEqualTo(data.length);
    }
    Set<Integer> connections = origin.requests("/big.safetensors").stream()
        .filter(q -> q.header("range").filter(v -> !v.equals("bytes=0-0")).isPresent())
        .map(RecordedRequest::connection).collect(Collectors.toSet());
    assertThat(connections).as("distinct connections that fetched ranges").hasSizeGreaterThanOrEqualTo(16);
    assertThat(origin.requests("/big.safetensors")).filteredOn(q -> !q.header("range").orElse("").equals("bytes=0-0"))
        .allSatisfy(q -> assertThat(q.header("if-range")).as("every range is revalidated").contains("\"big\""));
  }

  @Test
  void aSingleSlowConnectionDoesNotHoldTheFinish() throws Exception {
    byte[] data = TestData.bytes(16 << 20, 31);
    // the first connection (the probe's, reused for the first range) gets 32 KiB/s: alone, its
    // first range of 2 MiB would take 64 s; the others are unthrottled
    origin.file("/tail.bin", data).throttleFirstConnection(32 * 1024);
    long start = System.nanoTime();
    try (Downloads d = builder().connectionsPerFile(8).build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/tail.bin")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(seconds).as("work stealing and hedging finish far before the slow connection could").isLessThan(30);
  }

  @Test
  void aServerThatIgnoresRangesGetsOneStreamAndTheRightBytes() throws Exception {
    byte[] data = TestData.bytes(5 << 20, 32);
    origin.file("/norange.bin", data).ignoreRanges();
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/norange.bin")).into(dir)
          .sha256(TestData.sha256(data)));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    assertThat(origin.requests("/norange.bin")).hasSize(2);
  }

  @Test
  void anExpiredLinkIsRenewedWhereTheResolverSaysNotJustAtItsRefreshUrl() throws Exception {
    byte[] data = TestData.bytes(3 << 20, 33);
    origin.file("/cdn/model.bin", data).failRanges(1, 403);
    origin.page("/confirm", 200, "text/html", "<html>a page the resolver must read first</html>");
    AtomicInteger refreshes = new AtomicInteger();
    SourceResolver resolver = new SourceResolver() {
      @Override
      public String name() {
        return "renewing";
      }

      @Override
      public boolean accepts(String source) {
        return source.startsWith("stub:");
      }

      @Override
      public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
        return List.of(RemoteFile.builder(URI.create(origin.urlOnOtherHost("/cdn/model.bin?sig=1")))
            .refreshUrl(origin.uri("/confirm")).fileName("model.bin").build());
      }

      @Override
      public URI refresh(RemoteFile file, ResolverContext context) {
        refreshes.incrementAndGet();
        return URI.create(origin.urlOnOtherHost("/cdn/model.bin?sig=2"));
      }
    };
    try (Downloads d = builder().resolver(resolver).build()) {
      DownloadResult r = d.download(DownloadRequest.of("stub:model").into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    assertThat(refreshes).hasValue(1);
    assertThat(origin.requests("/confirm")).isEmpty();
    assertThat(origin.requests("/cdn/model.bin")).anySatisfy(q -> assertThat(q.target()).endsWith("sig=2"));
  }
}
