package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * No working file outlives the run that could clean it up, and a file system error says what went
 * wrong, not only where.
 */
class LeftoversAndFileErrorsTest extends EngineTestBase {
  private static final String STATE = "{\"format\":1,\"identity\":\"x\",\"size\":10,\"ranges\":[[0,5]]}";

  /** What a kill between the rename and the deletion of the resume state leaves: the next run cleans it. */
  @Test
  void aResumeStateBesideACompleteFileIsRemovedByTheNextRun() throws Exception {
    byte[] data = TestData.bytes(200_000, 100);
    origin.file("/m.bin", data).etag("\"v1\"");
    try (Downloads d = builder().build()) {
      d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir));
      leaveKillLeftovers("m.bin");
      assertThat(d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)).file().status())
          .isEqualTo(Status.ALREADY_PRESENT);
      assertOnly(dir.resolve("m.bin"));

      // the cheap path (name, size and hash known: no request at all) cleans up too
      leaveKillLeftovers("m.bin");
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/m.bin")).toFile(dir.resolve("m.bin"))
          .size(data.length).sha256(TestData.sha256(data)));
      assertThat(r.file().status()).isEqualTo(Status.ALREADY_PRESENT);
      assertOnly(dir.resolve("m.bin"));
    }
  }

  @Test
  void theLockFileIsRemovedAfterAFailedRunToo() throws Exception {
    byte[] data = TestData.bytes(200_000, 101);
    origin.file("/m.bin", data);
    Files.writeString(dir.resolve("m.bin.part.lock"), "pid 1\n"); // left by a killed process
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)
          .sha256(TestData.sha256(TestData.bytes(200_000, 102)))))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH));
    }
    assertOnly();
  }

  @Test
  void aFolderUnderARegularFileSaysNotADirectory() throws Exception {
    origin.file("/m.bin", TestData.bytes(1000, 103));
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(file.resolve("sub"))))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.LOCAL_IO);
            assertThat(e.getMessage()).containsIgnoringCase("not a directory").contains(file.toString());
          });
    }
  }

  /** Skipped as root, who may write anywhere: permissions cannot be denied to it. */
  @Test
  void aFolderWithoutWritePermissionSaysPermissionDenied() throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root ignores file permissions");
    origin.file("/m.bin", TestData.bytes(1000, 104));
    Path locked = Files.createDirectory(dir.resolve("read-only"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(locked)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.getMessage())
              .contains("permission denied").contains(locked.toString()));
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private void leaveKillLeftovers(String name) throws Exception {
    Files.writeString(dir.resolve(name + ".part.state"), STATE);
    Files.writeString(dir.resolve(name + ".part.state.tmp"), STATE);
    Files.writeString(dir.resolve(name + ".part.lock"), "pid 1\n");
  }

  private void assertOnly(Path... expected) throws Exception {
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactlyInAnyOrder(expected);
    }
  }
}
