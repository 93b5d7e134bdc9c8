package io.modelfetch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A download interrupted by a cancel or a crash, continued by a new {@link Downloads} (as a new
 * process would): what the resume state records is never fetched again, and a state that cannot
 * be trusted is thrown away with the partial file.
 */
class ResumeAfterRestartTest extends FaultTest {
  private static final String PATH = "/model.safetensors";
  /**
   * When a connection's range is split (work stealing) its response is cut short, and what the
   * origin had already sent of it is wasted: with a throttled origin, a few of its 16 KiB sends.
   * The probe's one byte is in here too.
   */
  private static final long STEAL_SLACK = 256 * 1024;

  @Test
  void resumesAfterCancelWithoutRefetchingCompletedRanges() throws Exception {
    byte[] data = TestData.bytes(16 * MIB, 11);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads first = builder().build()) {
      DownloadHandle h = first.submit(request().connections(4));
      waitUntil(() -> stateCovers(part) >= 3 * MIB, 20_000);
      h.cancel();
      assertThatThrownBy(() -> h.result().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DownloadException.class);
    }
    List<long[]> kept = state(part).ranges();
    long keptBytes = state(part).completedBytes();
    int before = origin.requests().size();
    long servedBefore = origin.bodyBytesServed();
    origin.file(PATH, data).etag("\"v1\"").throttle(4 * MIB);

    RecordingListener events = new RecordingListener();
    try (Downloads second = builder().listener(events).build()) {
      DownloadResult r = second.download(request().connections(4));
      assertThat(r.file().status()).isEqualTo(Status.RESUMED);
      assertSameContent(r.path(), data);
    }
    assertThat(events.resumedBytes()).containsExactly(keptBytes);
    assertThat(rangesAfter(PATH, before)).as("ranges asked for after the restart").isNotEmpty()
        .noneMatch(range -> overlaps(range, kept));
    long refetched = origin.bodyBytesServed() - servedBefore;
    assertThat(refetched).as("bytes served after the restart")
        .isBetween(data.length - keptBytes, data.length - keptBytes + STEAL_SLACK);
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  /**
   * A crash is simulated by copying the resume state and then the partial file while the download
   * runs: the copy holds what a {@code kill -9} at that instant leaves (the state describes forced
   * bytes; the part may hold more, half-written).
   */
  @Test
  void resumesFromTheLastCheckpointAfterACrash() throws Exception {
    byte[] data = TestData.bytes(16 * MIB, 12);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    Path part = dir.resolve("model.safetensors.part");
    Path crashed = Files.createDirectory(dir.resolve("crashed"));
    try (Downloads first = builder().build()) {
      DownloadHandle h = first.submit(request().connections(4));
      waitUntil(() -> stateCovers(part) >= 3 * MIB, 20_000);
      Files.copy(ControlFile.pathFor(part), crashed.resolve("state"));
      Files.copy(part, crashed.resolve("part"));
      h.cancel();
      h.result().handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    }
    Files.move(crashed.resolve("state"), ControlFile.pathFor(part), StandardCopyOption.REPLACE_EXISTING);
    Files.move(crashed.resolve("part"), part, StandardCopyOption.REPLACE_EXISTING);
    Files.delete(crashed);
    List<long[]> kept = state(part).ranges();
    long keptBytes = state(part).completedBytes();
    int before = origin.requests().size();
    long servedBefore = origin.bodyBytesServed();
    origin.file(PATH, data).etag("\"v1\"").throttle(4 * MIB);

    try (Downloads second = builder().build()) {
      DownloadResult r = second.download(request().connections(4).sha256(TestData.sha256(data)));
      assertSameContent(r.path(), data);
      assertThat(r.file().sha256()).isEqualTo(TestData.sha256(data));
    }
    assertThat(rangesAfter(PATH, before)).noneMatch(range -> overlaps(range, kept));
    assertThat(origin.bodyBytesServed() - servedBefore)
        .isBetween(data.length - keptBytes, data.length - keptBytes + STEAL_SLACK);
  }

  /**
   * At every checkpoint, each byte the new resume state claims was forced before the state was put
   * in place (a state written first, or a force left out, claims bytes a crash would lose), and the
   * state itself is forced before its atomic rename; the part is forced whole before it is renamed.
   */
  @Test
  void theResumeStateIsWrittenAtomicallyAndOnlyAfterTheDataItDescribesIsForced() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 15);
    // about 4 s at 1 MiB/s in all: several periodic checkpoints (a complete part gets no final one)
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB / 4);
    FaultyFileSystem fs = FaultyFileSystem.of(dir);
    Path target = fs.wrap(dir).resolve("model.safetensors");
    try (Downloads downloads = builder().build()) {
      downloads.download(DownloadRequest.of(origin.url(PATH)).toFile(target).connections(4));
    }
    assertSameContent(dir.resolve("model.safetensors"), data);

    List<DurabilityLedger.Check> checks = fs.ledger().checks();
    assertThat(checks).as("resume-state writes, then the rename").hasSizeGreaterThanOrEqualTo(3);
    assertThat(checks.get(checks.size() - 1).what()).isEqualTo("rename of model.safetensors.part");
    assertThat(checks).as("every checkpoint claims only forced bytes, and claims some")
        .allSatisfy(c -> assertThat(c.unforcedBytes()).as(c.toString()).isZero())
        .allSatisfy(c -> assertThat(c.claimedBytes()).as(c.toString()).isPositive());

    List<String> ops = fs.operations();
    String stateWrite = "move model.safetensors.part.state.tmp -> model.safetensors.part.state";
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).equals(stateWrite)) {
        assertThat(ops.subList(0, i)).as("what precedes state write %d in %s", i, ops).isNotEmpty()
            .last().isEqualTo("force model.safetensors.part.state.tmp");
      }
    }
  }

  /** A crash after the last byte was recorded but before the rename: the next run only verifies and moves. */
  @Test
  void aPartCompletedBeforeTheCrashIsOnlyVerifiedAndMoved() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 16);
    origin.file(PATH, data).etag("\"v1\"");
    Path part = dir.resolve("model.safetensors.part");
    Files.write(part, data);
    new ControlFile(origin.url(PATH), "\"v1\"", data.length, List.of(new long[] {0, data.length}))
        .write(ControlFile.pathFor(part));
    try (Downloads downloads = builder().build()) {
      DownloadResult r = downloads.download(request().sha256(TestData.sha256(data)));
      assertThat(r.file().status()).isEqualTo(Status.RESUMED);
      assertSameContent(r.path(), data);
    }
    assertThat(rangesAfter(PATH, 0)).as("ranged requests").isEmpty();
    assertThat(origin.bodyBytesServed()).as("the probe's byte").isEqualTo(1);
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  /**
   * A part longer than the file (bytes left past the end by an earlier, larger download) whose
   * state says every byte is there: the size check refuses it, nothing reaches the final name, and
   * the part is removed so the next run starts clean.
   */
  @Test
  void aCompletePartWithBytesPastTheFilesEndIsRefusedAndRemoved() throws Exception {
    byte[] data = TestData.bytes(2 * MIB, 18);
    origin.file(PATH, data).etag("\"v1\"");
    Path part = dir.resolve("model.safetensors.part");
    byte[] longer = Arrays.copyOf(data, data.length + 100);
    Files.write(part, longer);
    new ControlFile(origin.url(PATH), "\"v1\"", data.length, List.of(new long[] {0, data.length}))
        .write(ControlFile.pathFor(part));
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.download(request()))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.CHECKSUM_MISMATCH);
            assertThat(e.getMessage()).contains(data.length + 100 + " bytes", "should have " + data.length);
          });
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(part).doesNotExist();
  }

  /** Presigned links (S3 and its clones, GCS, CloudFront as Hugging Face's CDN uses) change with every signing. */
  @ParameterizedTest
  @ValueSource(strings = {
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%%2F20240101%%2Fauto%%2Fs3%%2Faws4_request"
          + "&X-Amz-Date=2024010%dT000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=%d",
      "X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=2024010%dT000000Z&X-Goog-Expires=600&X-Goog-Signature=%d",
      "Expires=170000000%d&Signature=%d&Key-Pair-Id=K2JCJMDEHXQW5F"})
  void aReSignedLinkToTheSameFileStillResumes(String signedQuery) throws Exception {
    byte[] data = TestData.bytes(8 * MIB, 13);
    origin.file(PATH, data).etag("\"v1\"").throttle(MIB);
    Path part = dir.resolve("model.safetensors.part");
    try (Downloads first = builder().build()) {
      DownloadHandle h = first.submit(DownloadRequest.of(origin.url(PATH + "?" + String.format(signedQuery, 1, 111)))
          .into(dir).connections(2));
      waitUntil(() -> stateCovers(part) >= MIB, 20_000);
      h.cancel();
      h.result().handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    }
    long keptBytes = state(part).completedBytes();
    origin.file(PATH, data).etag("\"v1\"");
    RecordingListener events = new RecordingListener();
    try (Downloads second = builder().listener(events).build()) {
      DownloadResult r = second.download(DownloadRequest.of(origin.url(PATH + "?" + String.format(signedQuery, 2, 222)))
          .into(dir));
      assertSameContent(r.path(), data);
    }
    assertThat(events.restarts()).isEmpty();
    assertThat(events.resumedBytes()).containsExactly(keptBytes);
  }

  @Test
  void aLinkToAnotherObjectDoesNotResumeThePart() throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 17);
    origin.file(PATH, data).etag("\"v1\"");
    Path part = dir.resolve("model.safetensors.part");
    Files.write(part, new byte[2 * MIB]);
    new ControlFile(origin.url(PATH + "?id=other"), "\"v1\"", data.length, List.of(new long[] {0, 2 * MIB}))
        .write(ControlFile.pathFor(part));
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH + "?id=this")).toFile(
          dir.resolve("model.safetensors")));
      assertSameContent(r.path(), data);
    }
    assertThat(events.restarts()).singleElement().asString().contains("another source");
  }

  @Test
  void aCorruptResumeStateIsDistrustedAndTheDownloadStartsOver() throws Exception {
    assertStartsOverCleanly(state -> Files.writeString(state, "{\"format\":1,\"identity\":", StandardCharsets.UTF_8),
        false);
  }

  @Test
  void aTruncatedResumeStateIsDistrustedAndTheDownloadStartsOver() throws Exception {
    assertStartsOverCleanly(state -> Files.write(state, new byte[0]), false);
  }

  @Test
  void aResumeStateOfAnotherSourceIsDistrusted() throws Exception {
    assertStartsOverCleanly(state -> new ControlFile("https://elsewhere.example/other.bin", "\"v1\"", 4 * MIB,
        List.of(new long[] {0, 2 * MIB})).write(state), true);
  }

  @Test
  void aResumeStateOfAnotherSizeIsDistrusted() throws Exception {
    assertStartsOverCleanly(state -> new ControlFile(origin.url(PATH), "\"v1\"", 5 * MIB,
        List.of(new long[] {0, 2 * MIB})).write(state), true);
  }

  @Test
  void aResumeStateClaimingMoreThanThePartHoldsIsDistrusted() throws Exception {
    assertStartsOverCleanly(state -> new ControlFile(origin.url(PATH), "\"v1\"", 4 * MIB,
        List.of(new long[] {0, 3 * MIB})).write(state), true);
  }

  @Test
  void aPartialFileWithoutResumeStateIsNotTrusted() throws Exception {
    assertStartsOverCleanly(state -> Files.deleteIfExists(state), false);
  }

  private interface StateWriter {
    void write(Path state) throws Exception;
  }

  /**
   * Leaves 2 MiB of wrong bytes in the partial file and a resume state written by {@code writer};
   * the download must fetch the whole file again and end byte-identical.
   */
  private void assertStartsOverCleanly(StateWriter writer, boolean reasonExpected) throws Exception {
    byte[] data = TestData.bytes(4 * MIB, 14);
    origin.file(PATH, data).etag("\"v1\"");
    Path part = dir.resolve("model.safetensors.part");
    byte[] wrong = new byte[2 * MIB];
    Arrays.fill(wrong, (byte) 0x5a);
    Files.write(part, wrong);
    writer.write(ControlFile.pathFor(part));
    RecordingListener events = new RecordingListener();
    try (Downloads downloads = builder().listener(events).build()) {
      DownloadResult r = downloads.download(DownloadRequest.of(origin.url(PATH)).into(dir));
      assertThat(r.file().status()).isEqualTo(Status.DOWNLOADED);
      assertSameContent(r.path(), data);
    }
    assertThat(events.resumedBytes()).containsExactly(0L);
    assertThat(origin.bodyBytesServed()).as("the whole file fetched again").isEqualTo(data.length + 1);
    if (reasonExpected) {
      assertThat(events.restarts()).hasSize(1).allSatisfy(reason -> assertThat(reason).contains("starting over"));
    }
    assertThat(namesIn(dir)).containsExactly("model.safetensors");
  }

  private DownloadRequest request() {
    return DownloadRequest.of(origin.url(PATH)).into(dir);
  }
}
