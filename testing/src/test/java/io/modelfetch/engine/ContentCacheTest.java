package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The content cache through the engine: a file whose SHA-256 is known comes from the cache with no request. */
class ContentCacheTest extends EngineTestBase {
  private static final byte[] MODEL = TestData.bytes(3 << 20, 41);
  private static final String SHA = TestData.sha256(MODEL);

  private Downloads downloads() {
    return builder().contentCache(dir.resolve("cache"), 1L << 30).build();
  }

  @Test
  void aKnownFileIsProducedFromTheCacheWithoutAnyRequest() throws Exception {
    origin.file("/a/model.safetensors", MODEL);
    try (Downloads d = downloads()) {
      DownloadResult first = d.download(request("/a/model.safetensors", "first"));
      assertThat(first.file().status()).isEqualTo(Status.DOWNLOADED);
      int requests = origin.requests().size();

      DownloadResult second = d.download(DownloadRequest.of(origin.url("/a/model.safetensors"))
          .toFile(dir.resolve("second/model.safetensors")).sha256(SHA));

      DownloadedFile f = second.file();
      assertThat(f.status()).isEqualTo(Status.CACHED);
      assertThat(f.sha256()).isEqualTo(SHA);
      assertThat(second.bytesTransferred()).isZero();
      assertThat(origin.requests()).as("not even a probe").hasSize(requests);
      assertThat(Files.readAllBytes(f.path())).isEqualTo(MODEL);
      assertThat(Files.getAttribute(f.path(), "unix:ino"))
          .as("a hard link: no copy").isEqualTo(Files.getAttribute(first.file().path(), "unix:ino"));
      assertThat(leftovers(dir.resolve("second"))).containsExactly("model.safetensors");
    }
  }

  @Test
  void theSameBytesFromAnotherUrlComeFromTheCache() throws Exception {
    origin.file("/a/model.safetensors", MODEL);
    origin.file("/mirror/renamed.safetensors", MODEL);
    try (Downloads d = downloads()) {
      d.download(request("/a/model.safetensors", "first"));

      DownloadResult other = d.download(request("/mirror/renamed.safetensors", "second"));

      assertThat(other.file().status()).isEqualTo(Status.CACHED);
      assertThat(origin.requests("/mirror/renamed.safetensors")).as("only the probe, for the server's file name")
          .hasSize(1);
      assertThat(origin.bodyBytesServed("/mirror/renamed.safetensors")).isLessThanOrEqualTo(1);
      assertThat(Files.readAllBytes(dir.resolve("second/renamed.safetensors"))).isEqualTo(MODEL);
    }
  }

  @Test
  void aFileWithoutAKnownHashIsNeitherLookedUpNorStored() throws Exception {
    origin.file("/a/model.safetensors", MODEL);
    try (Downloads d = downloads()) {
      d.download(DownloadRequest.of(origin.url("/a/model.safetensors")).into(dir.resolve("first")));
      DownloadResult second = d.download(DownloadRequest.of(origin.url("/a/model.safetensors"))
          .into(dir.resolve("second")));

      assertThat(second.file().status()).isEqualTo(Status.DOWNLOADED);
      assertThat(dir.resolve("cache/objects")).doesNotExist();
    }
  }

  @Test
  void aCacheEntryChangedOnDiskIsDownloadedAgain() throws Exception {
    origin.file("/a/model.safetensors", MODEL);
    try (Downloads d = downloads()) {
      Path first = d.download(request("/a/model.safetensors", "first")).file().path();
      Files.write(first, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND); // edits the shared bytes

      DownloadResult second = d.download(request("/a/model.safetensors", "second"));

      assertThat(second.file().status()).isEqualTo(Status.DOWNLOADED);
      assertThat(Files.readAllBytes(second.file().path())).isEqualTo(MODEL);
    }
  }

  @Test
  void anExistingDifferentFileIsNotReplacedFromTheCacheWithoutOverwrite() throws Exception {
    origin.file("/a/model.safetensors", MODEL);
    Files.createDirectories(dir.resolve("second"));
    Files.write(dir.resolve("second/model.safetensors"), TestData.bytes(100, 7));
    try (Downloads d = downloads()) {
      d.download(request("/a/model.safetensors", "first"));

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.download(request("/a/model.safetensors", "second")))
          .hasMessageContaining("a different file already exists");
      assertThat(Files.readAllBytes(dir.resolve("second/model.safetensors"))).isEqualTo(TestData.bytes(100, 7));

      DownloadResult replaced = d.download(request("/a/model.safetensors", "second").overwrite(true));
      assertThat(replaced.file().status()).isEqualTo(Status.CACHED);
      assertThat(Files.readAllBytes(dir.resolve("second/model.safetensors"))).isEqualTo(MODEL);
    }
  }

  private DownloadRequest request(String path, String folder) {
    return DownloadRequest.of(origin.url(path)).into(dir.resolve(folder)).sha256(SHA);
  }

  private static java.util.List<String> leftovers(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
