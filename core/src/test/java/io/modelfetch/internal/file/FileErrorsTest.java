package io.modelfetch.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
  @Test
  void namesTheCauseTheJdkLeavesOutOfTheMessage() {
    assertThat(FileErrors.cause(new AccessDeniedException("/m/x.part"))).isEqualTo("permission denied (/m/x.part)");
    assertThat(FileErrors.cause(new NoSuchFileException("/m"))).isEqualTo("no such file or directory (/m)");
    assertThat(FileErrors.cause(new FileSystemException("/m", null, "Read-only file system")))
        .isEqualTo("read-only file system (/m)");
    assertThat(FileErrors.cause(new IOException("No space left on device"))).isEqualTo("No space left on device");
  }

  @Test
  void aPathBelowARegularFileIsNotADirectory(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    try {
      NoFollowFiles.openForWriting(file.resolve("x.part")).close();
    } catch (IOException e) {
      assertThat(FileErrors.cause(e)).isEqualTo("not a directory (" + file.resolve("x.part") + ")");
      return;
    }
    throw new AssertionError("opened a file below a regular file");
  }
}
