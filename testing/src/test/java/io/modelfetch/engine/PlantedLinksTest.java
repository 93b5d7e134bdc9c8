package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.Sidecar;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A link planted in the download folder at any name the jdk backend writes is refused with an
 * error naming it, and the file it points to outside the folder is never touched.
 */
class PlantedLinksTest extends EngineTestBase {
  private static final String OUTSIDE_TEXT = "the user's own file, outside the download folder";

  @TempDir
  Path outside;
  private Path victim;
  private Path missing;
  private byte[] data;

  @BeforeEach
  void plantTargets() throws Exception {
    victim = outside.resolve("victim.txt");
    Files.writeString(victim, OUTSIDE_TEXT);
    missing = outside.resolve("created-through-a-link.txt");
    data = TestData.bytes(6 << 20, 60);
    // throttled so the transfer outlives a checkpoint and writes its resume state
    origin.file("/m.bin", data).etag("\"v1\"").throttle(4 << 20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.bin.part", "m.bin.part.lock", "m.bin.part.state", "m.bin.part.state.tmp"})
  void aLinkAtAWorkingFileIsRefusedAndNamed(String name) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve(name), victim);
    assertRefused(DownloadRequest.of(origin.url("/m.bin")).into(dir).connections(1), link);
    assertThat(dir.resolve("m.bin")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.bin.part", "m.bin.part.lock", "m.bin.part.state.tmp"})
  void aDanglingLinkCreatesNothingOutside(String name) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve(name), missing);
    assertRefused(DownloadRequest.of(origin.url("/m.bin")).into(dir).connections(1), link);
    assertThat(missing).doesNotExist();
  }

  @Test
  void aHardLinkToAFileElsewhereIsRefused() throws Exception {
    Path link = Files.createLink(dir.resolve("m.bin.part"), victim);
    assertRefused(DownloadRequest.of(origin.url("/m.bin")).into(dir), link);
  }

  @Test
  void aLinkAtTheFinalNameIsNeitherTrustedNorReplacedNorWrittenThrough() throws Exception {
    Files.write(victim, data); // same size and content: still not this download's file
    Path link = Files.createSymbolicLink(dir.resolve("m.bin"), victim);
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.FILE_EXISTS);
            assertThat(e.getMessage()).contains(link.toString()).contains("symbolic link");
          });
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).overwrite(true)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.getMessage())
              .contains("refusing to write through " + link).contains("symbolic link"));
    }
    assertThat(Files.readAllBytes(victim)).isEqualTo(data);
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void aLinkedSubfolderIsNotFollowed() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("unet"), outside);
    StubResolver repo = new StubResolver("repo", s -> List.of(
        RemoteFile.builder(origin.uri("/m.bin")).relativePath("unet/m.bin").build()));
    try (Downloads d = builder().resolver(repo).build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of("stub:repo").into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.getMessage()).contains(link.toString()));
    }
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).containsExactly(victim);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.json", "m.json.tmp"})
  void aLinkAtASidecarIsRefusedAndTheModelStillArrives(String name) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve(name), victim);
    StubResolver withSidecar = new StubResolver("meta", s -> List.of(RemoteFile.builder(origin.uri("/m.bin"))
        .fileName("m.bin").sidecar(Sidecar.ofBytes(".json", "{\"x\":1}".getBytes(), true)).build()));
    RecordingListener events = new RecordingListener();
    try (Downloads d = builder().resolver(withSidecar).listener(events).build()) {
      DownloadResult r = d.download(DownloadRequest.of("stub:m").into(dir).sidecars(true));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(r.file().sidecars()).isEmpty();
    }
    assertThat(events.notices()).anySatisfy(n -> assertThat(n).contains(link.toString()));
    assertThat(Files.readString(victim)).isEqualTo(OUTSIDE_TEXT);
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  private void assertRefused(DownloadRequest request, Path link) throws Exception {
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(request))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.LOCAL_IO);
            assertThat(e.getMessage()).contains("refusing to write through " + link);
          });
    }
    assertThat(Files.readString(victim)).isEqualTo(OUTSIDE_TEXT);
    assertThat(Files.isSymbolicLink(link) || Files.isRegularFile(link)).as("the planted name is still there").isTrue();
  }
}
