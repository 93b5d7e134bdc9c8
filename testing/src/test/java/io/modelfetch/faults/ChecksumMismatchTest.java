package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The downloaded bytes do not have the SHA-256 (or size) the source promised: the corrupt partial
 * file is removed, nothing appears at the final name (an older file there is left alone), and the
 * error names both hashes.
 */
class ChecksumMismatchTest extends FaultTest {
  private static final String PATH = "/model.safetensors";

  @Test
  void aSegmentedDownloadWithTheWrongHashLeavesNothingBehind() throws Exception {
    byte[] served = TestData.bytes(4 * MIB, 121);
    byte[] promised = TestData.bytes(4 * MIB, 122);
    origin.file(PATH, served).etag("\"v1\"");
    assertMismatch(DownloadRequest.of(origin.url(PATH)).into(dir).connections(4), served, promised);
    assertThat(namesIn(dir)).doesNotContain("model.safetensors", "model.safetensors.part",
        "model.safetensors.part.state");
  }

  @Test
  void aSingleStreamDownloadWithTheWrongHashLeavesNothingBehind() throws Exception {
    byte[] served = TestData.bytes(2 * MIB, 123);
    byte[] promised = TestData.bytes(2 * MIB, 124);
    origin.file(PATH, served).ignoreRanges();
    assertMismatch(DownloadRequest.of(origin.url(PATH)).into(dir), served, promised);
    assertThat(namesIn(dir)).doesNotContain("model.safetensors", "model.safetensors.part");
  }

  @Test
  void aMismatchNeverReplacesTheFileAlreadyThere() throws Exception {
    byte[] served = TestData.bytes(2 * MIB, 125);
    byte[] promised = TestData.bytes(2 * MIB, 126);
    byte[] older = TestData.bytes(MIB, 127);
    Path target = dir.resolve("model.safetensors");
    Files.write(target, older);
    origin.file(PATH, served).etag("\"v1\"");
    assertMismatch(DownloadRequest.of(origin.url(PATH)).into(dir).overwrite(true), served, promised);
    assertSameContent(target, older);
  }

  @Test
  void aFileOfTheWrongSizeIsNeverAcceptedUnderAnExpectedSize() throws Exception {
    byte[] served = TestData.bytes(2 * MIB, 128);
    origin.file(PATH, served).etag("\"v1\"");
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir).size(3L * MIB)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.getMessage())
              .contains(String.valueOf(2 * MIB)).contains(String.valueOf(3 * MIB)));
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  private void assertMismatch(DownloadRequest request, byte[] served, byte[] promised) throws Exception {
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(request.sha256(TestData.sha256(promised))))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH);
            assertThat(e.getMessage()).contains(TestData.sha256(promised)).contains(TestData.sha256(served));
          });
    }
  }
}
