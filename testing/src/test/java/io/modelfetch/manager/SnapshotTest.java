package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadSnapshot;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.FileProgress;
import io.modelfetch.testing.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a UI lists: ids, redacted sources, states, per-file progress, errors; and the state sequence of each outcome. */
class SnapshotTest extends ManagerTest {

  @Test
  void listAndGetShowEveryDownloadWithPerFileProgressAndRedactedSource() throws Exception {
    origin.file("/repo/a.bin", TestData.bytes(2 * MIB, 1)).throttle(512 * 1024);
    origin.file("/repo/b.bin", TestData.bytes(MIB, 2)).throttle(512 * 1024);
    try (Downloads downloads = builder().resolver(new ServiceResolver("huggingface", "127.0.0.1")).build()) {
      DownloadHandle repo = downloads.submit(DownloadRequest.of("huggingface:" + origin.url("/repo/a.bin") + ","
          + origin.url("/repo/b.bin")).into(dir));
      DownloadHandle secret = downloads.submit(DownloadRequest.of(origin.url("/missing?token=hunter2")).into(dir));
      // a download still resolving has no files yet, and allMatch holds for none
      waitUntil(() -> !repo.snapshot().files().isEmpty()
          && repo.snapshot().files().stream().allMatch(f -> f.bytesDone() > 0), 20_000);

      DownloadSnapshot s = downloads.get(repo.id()).orElseThrow();
      assertThat(s.state()).isEqualTo(DownloadState.DOWNLOADING);
      assertThat(s.files()).extracting(FileProgress::name).containsExactly("repo/a.bin", "repo/b.bin");
      assertThat(s.files()).extracting(FileProgress::size).containsExactly(2L * MIB, (long) MIB);
      assertThat(s.files()).allSatisfy(f -> assertThat(f.state()).isEqualTo(DownloadState.DOWNLOADING));
      assertThat(s.progress().totalBytes()).isEqualTo(3L * MIB);
      assertThat(s.progress().bytesDone()).isEqualTo(s.files().stream().mapToLong(FileProgress::bytesDone).sum());

      repo.result().join();
      assertThat(secret.result()).failsWithin(Duration.ofSeconds(10));
      List<DownloadSnapshot> all = downloads.list();
      assertThat(all).extracting(DownloadSnapshot::id).containsExactly(repo.id(), secret.id());
      Set<String> ids = all.stream().map(DownloadSnapshot::id).collect(Collectors.toSet());
      assertThat(ids).hasSize(2).allSatisfy(id -> assertThat(id).matches("[0-9a-f]{12}"));
      DownloadSnapshot done = all.get(0);
      assertThat(done.state()).isEqualTo(DownloadState.COMPLETED);
      assertThat(done.files()).allSatisfy(f -> {
        assertThat(f.state()).isEqualTo(DownloadState.COMPLETED);
        assertThat(f.bytesDone()).isEqualTo(f.size());
      });
      assertThat(done.eta()).isEmpty();
      DownloadSnapshot failed = all.get(1);
      assertThat(failed.state()).isEqualTo(DownloadState.FAILED);
      assertThat(failed.source()).doesNotContain("hunter2").contains("token=***");
      assertThat(failed.failure()).get().extracting(DownloadException::kind).isEqualTo(DownloadException.Kind.NOT_FOUND);
      assertThat(downloads.get("nope")).isEmpty();
      assertThat(downloads.handle(repo.id())).containsSame(repo);
    }
  }

  @Test
  void eachOutcomeHasItsStateSequence() throws Exception {
    origin.file("/ok", TestData.bytes(100_000, 3));
    origin.file("/slow", TestData.bytes(4 * MIB, 4)).throttle(256 * 1024);
    States states = new States();
    try (Downloads downloads = builder().listener(states).build()) {
      DownloadHandle ok = downloads.submit(DownloadRequest.of(origin.url("/ok")).into(dir));
      DownloadHandle missing = downloads.submit(DownloadRequest.of(origin.url("/missing")).into(dir));
      DownloadHandle cancelled = downloads.submit(DownloadRequest.of(origin.url("/slow")).into(dir));
      ok.result().join();
      assertThat(missing.result()).failsWithin(Duration.ofSeconds(10));
      waitUntil(() -> cancelled.progress().bytesDone() > 0, 10_000);
      cancelled.cancel();
      assertThat(cancelled.result()).failsWithin(Duration.ofSeconds(10));
      assertThat(states.of(ok)).containsExactly(DownloadState.QUEUED, DownloadState.RESOLVING,
          DownloadState.DOWNLOADING, DownloadState.VERIFYING, DownloadState.COMPLETED);
      assertThat(states.of(missing)).containsExactly(DownloadState.QUEUED, DownloadState.RESOLVING,
          DownloadState.DOWNLOADING, DownloadState.FAILED);
      assertThat(states.of(cancelled)).containsExactly(DownloadState.QUEUED, DownloadState.RESOLVING,
          DownloadState.DOWNLOADING, DownloadState.CANCELLED);
      assertThat(cancelled.snapshot().failure()).get().extracting(DownloadException::kind)
          .isEqualTo(DownloadException.Kind.CANCELLED);
    }
  }
}
