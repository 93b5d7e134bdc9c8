package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.BatchHandle;
import io.modelfetch.BatchResult;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.FileProgress;
import io.modelfetch.Progress;
import io.modelfetch.Secret;
import io.modelfetch.testing.TestData;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Batches: one handle, overall progress, per-item results, keep-going or fail-fast; and per-file progress events. */
class BatchTest extends ManagerTest {

  @Test
  void aBatchKeepsGoingPastAFailureAndReportsEveryItem() throws Exception {
    origin.file("/a", TestData.bytes(300_000, 1));
    origin.file("/b", TestData.bytes(200_000, 2));
    try (Downloads downloads = builder().build()) {
      BatchHandle batch = downloads.submitBatch(List.of(
          DownloadRequest.of(origin.url("/a")).into(dir),
          DownloadRequest.of(origin.url("/missing")).into(dir),
          DownloadRequest.of(origin.url("/b")).into(dir)));
      BatchResult r = batch.result().join();
      assertThat(r.items()).extracting(BatchResult.Item::succeeded).containsExactly(true, false, true);
      assertThat(r.allSucceeded()).isFalse();
      assertThat(r.failures()).singleElement().satisfies(f -> {
        assertThat(f.error().kind()).isEqualTo(DownloadException.Kind.NOT_FOUND);
        assertThat(f.id()).isEqualTo(batch.downloads().get(1).id());
      });
      assertThat(r.items().get(0).result().file().size()).isEqualTo(300_000);
      Progress p = batch.progress();
      assertThat(p.filesDone()).isEqualTo(2);
      assertThat(downloads.list()).hasSize(3);
    }
  }

  @Test
  void failFastCancelsTheRestAtTheFirstFailure() throws Exception {
    origin.file("/slow", TestData.bytes(8 * MIB, 3)).throttle(256 * 1024);
    origin.file("/queued", TestData.bytes(1000, 4));
    try (Downloads downloads = builder().maxRunningDownloads(2).build()) {
      BatchHandle batch = downloads.submitBatch(List.of(
          DownloadRequest.of(origin.url("/slow")).into(dir),
          DownloadRequest.of(origin.url("/missing")).into(dir),
          DownloadRequest.of(origin.url("/queued")).into(dir).notBefore(java.time.Instant.now().plusSeconds(60))),
          BatchHandle.Mode.FAIL_FAST);
      BatchResult r = batch.result().join();
      assertThat(r.items()).extracting(i -> i.error().kind()).containsExactly(DownloadException.Kind.CANCELLED,
          DownloadException.Kind.NOT_FOUND, DownloadException.Kind.CANCELLED);
      assertThat(batch.downloads()).extracting(DownloadHandle::state).containsExactly(DownloadState.CANCELLED,
          DownloadState.FAILED, DownloadState.CANCELLED);
      assertThat(origin.requests("/queued")).isEmpty();
    }
  }

  @Test
  void anInvalidRequestSubmitsNoneOfTheBatchAndCancellingItsFutureCancelsEveryItem() throws Exception {
    origin.file("/slow", TestData.bytes(8 * MIB, 5)).throttle(256 * 1024);
    try (Downloads downloads = builder().build()) {
      assertThatThrownBy(() -> downloads.submitBatch(List.of(DownloadRequest.of(origin.url("/slow")).into(dir),
          DownloadRequest.of(origin.url("/x")).token("civit", Secret.of("t")))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(downloads.list()).isEmpty();
      BatchHandle batch = downloads.submitBatch(List.of(DownloadRequest.of(origin.url("/slow")).into(dir),
          DownloadRequest.of(origin.url("/slow")).into(dir.resolve("2"))));
      waitUntil(() -> batch.progress().bytesDone() > 0, 10_000);
      batch.result().cancel(true);
      waitUntil(() -> batch.downloads().stream().allMatch(d -> d.state() == DownloadState.CANCELLED), 5_000);
    }
  }

  @Test
  void progressEventsCarryEachFilesProgress() throws Exception {
    origin.file("/repo/a.bin", TestData.bytes(2 * MIB, 6)).throttle(1024 * 1024);
    origin.file("/repo/b.bin", TestData.bytes(MIB, 7)).throttle(1024 * 1024);
    List<List<FileProgress>> seen = new CopyOnWriteArrayList<>();
    DownloadListener files = new DownloadListener() {
      @Override
      public void onFileProgress(DownloadHandle download, List<FileProgress> progress) {
        seen.add(progress);
      }
    };
    try (Downloads downloads = builder().resolver(new ServiceResolver("huggingface", "127.0.0.1")).listener(files)
        .build()) {
      downloads.submit(DownloadRequest.of("huggingface:" + origin.url("/repo/a.bin") + "," + origin.url("/repo/b.bin"))
          .into(dir)).result().join();
    }
    assertThat(seen).hasSizeGreaterThan(2);
    assertThat(seen).allSatisfy(list -> assertThat(list).extracting(FileProgress::name)
        .containsExactly("repo/a.bin", "repo/b.bin"));
    assertThat(seen).anySatisfy(list -> assertThat(list.get(0).bytesDone()).isBetween(1L, 2L * MIB - 1));
    assertThat(seen.get(seen.size() - 1)).allSatisfy(f -> {
      assertThat(f.state()).isEqualTo(DownloadState.COMPLETED);
      assertThat(f.bytesDone()).isEqualTo(f.size());
    });
  }
}
