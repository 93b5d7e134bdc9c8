package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SHA-256 computed while downloading covers the whole file after a resume: what an earlier run
 * left is hashed again from disk, so a resumed file is verified end to end and a byte that rotted
 * in the kept part is caught.
 */
class Sha256AcrossResumeTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aResumedFileIsVerifiedEndToEnd() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 31);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    Path part = cancelMidway(data);
    origin.file(PATH, data).etag("\"v1\"");
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(request(data));
      assertThat(r.file().status()).isEqualTo(Status.RESUMED);
      assertThat(r.file().sha256()).isEqualTo(TestData.sha256(data));
      assertSameContent(r.path(), data);
    }
    assertThat(part).doesNotExist();
  }

  @Test
  void aCorruptedByteInTheKeptPartIsDetected() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 32);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    Path part = cancelMidway(data);
    long offset = state(part).ranges().get(0)[0] + 12345;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) ~data[(int) offset]}), offset);
    }
    byte[] corrupted = data.clone();
    corrupted[(int) offset] = (byte) ~data[(int) offset];
    origin.file(PATH, data).etag("\"v1\"");

    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(request(data)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH);
            assertThat(e.getMessage()).contains(TestData.sha256(data)).contains(TestData.sha256(corrupted));
          });
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(part).doesNotExist();
    assertThat(dir.resolve("model.safetensors.part.state")).doesNotExist();
  }

  @Test
  void theHashOfAResumedFileIsReportedWhenNoneWasExpected() throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 33);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    cancelMidway(data);
    origin.file(PATH, data).etag("\"v1\"");
    try (Downloads downloads = builder().alwaysHash(true).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir));
      assertThat(r.file().status()).isEqualTo(Status.RESUMED);
      assertThat(r.file().sha256()).isEqualTo(TestData.sha256(data));
    }
  }

  private Path cancelMidway(byte[] data) throws Exception {
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads first = builder().build()) {
      DownloadHandle h = first.submit(request(data).connections(4));
      waitUntil(() -> stateCovers(part) >= 2 * MIB, 20_000);
      h.cancel();
      h.result().handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    }
    return part;
  }

  private DownloadRequest request(byte[] data) {
    return DownloadRequest.of(origin.url(PATH)).into(dir).sha256(TestData.sha256(data));
  }
}
