package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The disk fills up while the file is written: a clear {@code INSUFFICIENT_SPACE} error, nothing
 * at the final name, and the partial file kept so the same request resumes once space is freed.
 * The disk is a {@link FaultyFileSystem} over the test's folder, full at the byte the test picks.
 */
class DiskFullTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aFullDiskFailsClearlyAndKeepsThePartForAResume() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 111);
    origin.file(PATH, data).etag("\"v1\"").throttle(2 * MIB);
    FaultyFileSystem disk = FaultyFileSystem.of(dir);
    disk.diskFullAfter(3 * MIB, name -> name.endsWith(".part"));
    Path target = disk.wrap(dir).resolve("model.safetensors");
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(request(target, data)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INSUFFICIENT_SPACE);
            assertThat(e.getMessage()).contains("disk is full").contains("model.safetensors.part")
                .contains("resumes");
          });
    }
    Path part = dir.resolve("model.safetensors.part");
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(part).exists();
    long kept = stateCovers(part);
    assertThat(kept).isPositive().isLessThanOrEqualTo(3 * MIB);

    disk.diskFreed();
    long servedBefore = origin.bodyBytesServed();
    origin.file(PATH, data).etag("\"v1\"").throttle(4 * MIB);
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(request(target, data));
      assertThat(r.file().status()).isEqualTo(Status.RESUMED);
    }
    assertSameContent(dir.resolve("model.safetensors"), data);
    assertThat(origin.bodyBytesServed() - servedBefore).isLessThanOrEqualTo(data.length - kept + 256 * 1024);
  }

  /** On a really full disk the resume state cannot be written either; the last one that was written still holds. */
  @Test
  void whenEvenTheResumeStateCannotBeWrittenTheLastCheckpointStillHolds() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 112);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    FaultyFileSystem disk = FaultyFileSystem.of(dir);
    Path target = disk.wrap(dir).resolve("model.safetensors");
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads downloads = builder().build()) {
      var h = downloads.submit(request(target, data));
      waitUntil(() -> stateCovers(part) > 0, 10_000);
      disk.diskFullAfter(MIB / 2, name -> true);
      assertThatThrownBy(() -> h.result().get())
          .satisfies(e -> assertThat(((DownloadException) e.getCause()).kind()).isEqualTo(Kind.INSUFFICIENT_SPACE));
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    long kept = stateCovers(part);
    assertThat(kept).isPositive();

    disk.diskFreed();
    origin.file(PATH, data).etag("\"v1\"");
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(request(target, data));
      assertThat(r.file().status()).isEqualTo(Status.RESUMED);
    }
    assertSameContent(dir.resolve("model.safetensors"), data);
  }

  @Test
  void notEnoughFreeSpaceIsReportedBeforeAnythingIsFetched() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 113);
    origin.file(PATH, data).etag("\"v1\"");
    FaultyFileSystem disk = FaultyFileSystem.of(dir);
    disk.reportUsableSpace(MIB);
    Path target = disk.wrap(dir).resolve("model.safetensors");
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(request(target, data)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INSUFFICIENT_SPACE);
            assertThat(e.getMessage()).contains("8.0 MiB").contains("1.0 MiB");
          });
    }
    assertThat(rangesAfter(PATH, 0)).as("ranged requests").isEmpty();
    assertThat(namesIn(dir)).doesNotContain("model.safetensors", "model.safetensors.part");
  }

  private DownloadRequest request(Path target, byte[] data) {
    return DownloadRequest.of(origin.url(PATH)).toFile(target).connections(4).sha256(TestData.sha256(data));
  }
}
