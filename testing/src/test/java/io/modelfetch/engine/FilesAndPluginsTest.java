package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilesAndPluginsTest extends EngineTestBase {
  @Test
  void aDifferentExistingFileIsNotOverwrittenUnlessAsked() throws Exception {
    byte[] data = TestData.bytes(100_000, 20);
    origin.file("/m.bin", data);
    Files.writeString(dir.resolve("m.bin"), "my own file");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.FILE_EXISTS);
            assertThat(e.getMessage()).contains("--overwrite");
          });
      assertThat(Files.readString(dir.resolve("m.bin"))).isEqualTo("my own file");
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).overwrite(true));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  @Test
  void aCompleteFileIsNotDownloadedAgain() throws Exception {
    byte[] data = TestData.bytes(3 << 20, 21);
    origin.file("/done.bin", data);
    Files.write(dir.resolve("done.bin"), data);
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/done.bin")).toFile(dir.resolve("done.bin"))
          .sha256(TestData.sha256(data)).size(data.length));
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.ALREADY_PRESENT);
      assertThat(r.bytesTransferred()).isZero();
    }
    assertThat(origin.requests()).as("name, size and hash were known: no request at all").isEmpty();
  }

  @Test
  void failsBeforeWritingWhenTheDiskIsTooSmall() throws Exception {
    origin.handle("/huge.bin", q -> new FakeOrigin.Reply(206,
        Map.of("Content-Range", "bytes 0-0/100000000000000000", "Content-Type", "application/octet-stream"),
        new byte[1]));
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/huge.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.INSUFFICIENT_SPACE);
            assertThat(e.getMessage()).contains("needs").contains("available");
          });
    }
    assertThat(dir.resolve("huge.bin.part")).doesNotExist();
  }

  @Test
  void noResolverAcceptingNamesEveryResolverAsked() throws Exception {
    try (Downloads d = builder().resolver(new StubResolver("alpha", s -> List.of())).build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of("ftp://files.example/model.bin").into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.UNSUPPORTED_SOURCE);
            assertThat(e.getMessage()).contains("alpha").contains("direct");
          });
    }
  }

  @Test
  void aBrokenPluginNeverStopsTheOthers() throws Exception {
    byte[] data = TestData.bytes(1000, 22);
    origin.file("/p.bin", data);
    try (Downloads d = Downloads.builder().defaultBackend("jdk").build()) {
      assertThat(d.resolvers()).contains("discovered").doesNotContain("broken");
      DownloadResult r = d.download(DownloadRequest.of("discovered:" + origin.url("/p.bin")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
  }

  @Test
  void anExplicitlyRegisteredResolverWinsOverADiscoveredOne() throws Exception {
    byte[] data = TestData.bytes(1000, 23);
    origin.file("/mine.bin", data);
    StubResolver mine = new StubResolver("discovered", s -> List.of(RemoteFile.builder(origin.uri("/mine.bin")).build()));
    try (Downloads d = Downloads.builder().resolver(mine).build()) {
      assertThat(d.resolvers().stream().filter("discovered"::equals)).hasSize(1);
      DownloadResult r = d.download(DownloadRequest.of("stub:x").into(dir));
      assertThat(r.path().getFileName().toString()).isEqualTo("mine.bin");
    }
  }

  @Test
  void serversWithoutLengthOrWithChunkedBodiesStillWork() throws Exception {
    byte[] data = TestData.bytes(700_000, 24);
    origin.file("/chunked.bin", data).chunked().ignoreRanges();
    origin.file("/closing.bin", data).noContentLength().ignoreRanges();
    try (Downloads d = builder().build()) {
      assertThat(Files.readAllBytes(d.download(DownloadRequest.of(origin.url("/chunked.bin")).into(dir)).path()))
          .isEqualTo(data);
      assertThat(Files.readAllBytes(d.download(DownloadRequest.of(origin.url("/closing.bin")).into(dir)).path()))
          .isEqualTo(data);
    }
  }

  @Test
  void anEmptyFileIsAFile() throws Exception {
    origin.file("/empty.txt", new byte[0]);
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/empty.txt")).into(dir));
      assertThat(r.path()).exists().hasSize(0);
    }
  }

  @Test
  void filesOfAMultiFileSourceRunConcurrentlyAndLandInSubfolders() throws Exception {
    byte[] big = TestData.bytes(4 << 20, 25);
    byte[] small = TestData.bytes(10_000, 26);
    origin.file("/repo/unet/model.safetensors", big).throttle(2 << 20);
    origin.file("/repo/config.json", small).contentType("application/json");
    StubResolver repo = new StubResolver("repo", s -> List.of(
        RemoteFile.builder(origin.uri("/repo/unet/model.safetensors")).relativePath("unet/model.safetensors")
            .size(big.length).sha256(TestData.sha256(big)).build(),
        RemoteFile.builder(origin.uri("/repo/config.json")).relativePath("config.json").build(),
        RemoteFile.builder(URI.create(origin.url("/repo/config.json"))).relativePath("../../escape/config.json").build()));
    try (Downloads d = builder().resolver(repo).build()) {
      DownloadResult r = d.download(DownloadRequest.of("stub:repo").into(dir));
      assertThat(r.files()).extracting(DownloadedFile::path).containsExactly(
          dir.resolve("unet/model.safetensors"), dir.resolve("config.json"), dir.resolve("escape/config.json"));
      assertThat(Files.readAllBytes(dir.resolve("unet/model.safetensors"))).isEqualTo(big);
      assertThat(Files.readAllBytes(dir.resolve("config.json"))).isEqualTo(small);
    }
  }
}
