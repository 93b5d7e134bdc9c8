package io.modelfetch.internal.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of unexpected file at a name the library writes is refused, by name, and nothing behind it changes. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class NoFollowFilesTest {
  @TempDir
  Path dir;
  @TempDir
  Path outside;
  private Path victim;

  @BeforeEach
  void victim() throws Exception {
    victim = Files.writeString(outside.resolve("victim"), "keep");
  }

  @Test
  void refusesASymbolicLinkForEveryWayOfWriting() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("x.part"), victim);
    assertRefused(() -> NoFollowFiles.openForWriting(link).close(), link);
    assertRefused(() -> NoFollowFiles.createTemporary(link).close(), link);
    assertRefused(() -> NoFollowFiles.writeAtomically(link, dir.resolve("x.tmp"), new byte[] {1}), link);
    Path tmpLink = Files.createSymbolicLink(dir.resolve("y.tmp"), victim);
    assertRefused(() -> NoFollowFiles.writeAtomically(dir.resolve("y"), tmpLink, new byte[] {1}), tmpLink);
    assertThat(Files.readString(victim)).isEqualTo("keep");
  }

  @Test
  void aDanglingLinkCreatesNothing() throws Exception {
    Path target = outside.resolve("new");
    Path link = Files.createSymbolicLink(dir.resolve("x.part"), target);
    assertRefused(() -> NoFollowFiles.openForWriting(link).close(), link);
    assertRefused(() -> NoFollowFiles.createTemporary(link).close(), link);
    assertThat(target).doesNotExist();
  }

  @Test
  void refusesHardLinksDirectoriesAndPipes() throws Exception {
    Path hard = Files.createLink(dir.resolve("hard"), victim);
    assertRefused(() -> NoFollowFiles.openForWriting(hard).close(), hard);
    Path folder = Files.createDirectory(dir.resolve("folder"));
    assertRefused(() -> NoFollowFiles.openForWriting(folder).close(), folder);
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertRefused(() -> NoFollowFiles.openForWriting(fifo).close(), fifo); // would block forever if opened
    assertThat(Files.readString(victim)).isEqualTo("keep");
  }

  @Test
  void refusesToMoveALinkIntoPlaceOrOverOne() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("m.part"), victim);
    assertRefused(() -> NoFollowFiles.moveReplacing(link, dir.resolve("m")), link);
    Path part = Files.writeString(dir.resolve("n.part"), "new");
    Path finalLink = Files.createSymbolicLink(dir.resolve("n"), victim);
    assertRefused(() -> NoFollowFiles.moveReplacing(part, finalLink), finalLink);
    assertThat(Files.readString(victim)).isEqualTo("keep");
  }

  @Test
  void writesRegularFilesAndReplacesAStaleTemporary() throws Exception {
    Path stale = Files.writeString(dir.resolve("s.tmp"), "left by a crash");
    NoFollowFiles.writeAtomically(dir.resolve("s"), stale, "state".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(dir.resolve("s"))).isEqualTo("state");
    assertThat(stale).doesNotExist();
    try (FileChannel ch = NoFollowFiles.openForWriting(dir.resolve("p"))) {
      assertThat(ch.size()).isZero();
    }
  }

  @Test
  void foldersAreCreatedWithoutFollowingALinkedOne() throws Exception {
    Path linked = Files.createSymbolicLink(dir.resolve("unet"), outside);
    assertRefused(() -> NoFollowFiles.createDirectories(dir, dir.resolve("unet/sub")), linked);
    assertThat(outside.resolve("sub")).doesNotExist();
    NoFollowFiles.createDirectories(dir, dir.resolve("a/b/c"));
    assertThat(dir.resolve("a/b/c")).isDirectory();
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Path named) {
    assertThatThrownBy(call).isInstanceOfSatisfying(UnsafePathException.class,
        e -> assertThat(e.path()).isEqualTo(named));
  }
}
