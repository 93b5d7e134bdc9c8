package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * When a file at the final name counts as "already downloaded": a matching known hash, or the
 * record this library left on it for the same source; a different file of the same size never.
 */
class AlreadyHereTest extends EngineTestBase {
  private static final int SIZE = 300_000;

  @Test
  void aDifferentFileOfTheSameSizeIsNotTakenForTheDownload() throws Exception {
    origin.file("/m.bin", TestData.bytes(SIZE, 80));
    byte[] mine = TestData.bytes(SIZE, 81);
    Path target = Files.write(dir.resolve("m.bin"), mine);
    try (Downloads d = builder().build()) {
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)));
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).size(SIZE)));
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(mine);
  }

  @Test
  void aKnownHashDecidesAndADifferentSizeIsNeverHashed() throws Exception {
    byte[] data = TestData.bytes(SIZE, 82);
    origin.file("/m.bin", data);
    Path target = Files.write(dir.resolve("m.bin"), TestData.bytes(SIZE, 83));
    RecordingListener events = new RecordingListener();
    try (Downloads d = builder().build()) {
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).sha256(TestData.sha256(data))));
      Files.write(target, TestData.bytes(SIZE + 1, 83));
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).sha256(TestData.sha256(data))
          .listener(events)));
      assertThat(events.eventsWithoutProgress()).as("a file of another size is not read").doesNotContain("verifying");
      Files.write(target, data);
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).sha256(TestData.sha256(data)));
      assertThat(r.file().status()).isEqualTo(Status.ALREADY_PRESENT);
    }
  }

  @Test
  void aFileThisLibraryDownloadedIsRecognisedWithoutAHash() throws Exception {
    byte[] data = TestData.bytes(SIZE, 84);
    origin.file("/m.bin", data).etag("\"v1\"");
    try (Downloads d = builder().build()) {
      assertThat(d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)).file().status())
          .isEqualTo(Status.DOWNLOADED);
      DownloadResult again = d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir));
      assertThat(again.file().status()).isEqualTo(Status.ALREADY_PRESENT);
      assertThat(again.bytesTransferred()).isZero();
    }
  }

  @Test
  void aRecordedFileChangedSinceOrFromAnotherSourceIsNotTrusted() throws Exception {
    byte[] data = TestData.bytes(SIZE, 85);
    origin.file("/a/m.bin", data).etag("\"v1\"");
    origin.file("/b/m.bin", TestData.bytes(SIZE, 86)).etag("\"v1\"");
    Path target = dir.resolve("m.bin");
    try (Downloads d = builder().build()) {
      d.download(DownloadRequest.of(origin.url("/a/m.bin")).into(dir));
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/b/m.bin")).into(dir)));

      origin.file("/a/m.bin", data).etag("\"v2\"");
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/a/m.bin")).into(dir)));
      origin.file("/a/m.bin", data).etag("\"v1\"");
      assertThat(d.download(DownloadRequest.of(origin.url("/a/m.bin")).into(dir)).file().status())
          .isEqualTo(Status.ALREADY_PRESENT);

      byte[] edited = data.clone();
      edited[100] ^= 1;
      Files.write(target, edited);
      Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      assertFileExists(() -> d.download(DownloadRequest.of(origin.url("/a/m.bin")).into(dir)));
    }
  }

  @Test
  void overwriteAlwaysReplacesEvenAFileThatWouldBeTrusted() throws Exception {
    byte[] data = TestData.bytes(SIZE, 87);
    origin.file("/m.bin", data);
    Path target = Files.write(dir.resolve("m.bin"), data);
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)
          .sha256(TestData.sha256(data)).size(SIZE).overwrite(true));
      assertThat(r.file().status()).isEqualTo(Status.DOWNLOADED);
      assertThat(r.bytesTransferred()).isEqualTo(SIZE);
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
  }

  @Test
  void overwriteKeepsTheOldFileUntilTheNewOneIsVerified() throws Exception {
    origin.file("/m.bin", TestData.bytes(SIZE, 88));
    byte[] old = TestData.bytes(SIZE, 89);
    Path target = Files.write(dir.resolve("m.bin"), old);
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)
          .sha256(TestData.sha256(TestData.bytes(SIZE, 90))).overwrite(true)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH));
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(old);
  }

  /** Different URLs, same size, one name, no hash: one download wins, the other is told the name is taken. */
  @Test
  void twoDownloadsOfDifferentSameSizeFilesIntoOneNameDoNotBothSucceed() throws Exception {
    byte[] a = TestData.bytes(2 << 20, 91);
    byte[] b = TestData.bytes(2 << 20, 92);
    origin.file("/a.bin", a).throttle(2 << 20);
    origin.file("/b.bin", b).throttle(2 << 20);
    Path target = dir.resolve("m.bin");
    List<Object> outcomes = new ArrayList<>();
    try (Downloads one = builder().build(); Downloads two = builder().build()) {
      CompletableFuture<DownloadResult> first = one.submit(DownloadRequest.of(origin.url("/a.bin")).toFile(target)).result();
      CompletableFuture<DownloadResult> second = two.submit(DownloadRequest.of(origin.url("/b.bin")).toFile(target)).result();
      for (CompletableFuture<DownloadResult> f : List.of(first, second)) {
        outcomes.add(f.handle((r, e) -> e == null ? r.file().status()
            : ((DownloadException) (e instanceof CompletionException ? e.getCause() : e)).kind()).join());
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrder(Status.DOWNLOADED, Kind.FILE_EXISTS);
    assertThat(Files.readAllBytes(target)).isIn(a, b);
  }

  private static void assertFileExists(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DownloadException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.FILE_EXISTS);
      assertThat(e.getMessage()).contains("--overwrite");
    });
  }
}
