package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadSnapshot;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The queue: at most N running, then priority, then submission order; changes while waiting; not-before. */
class QueueTest extends ManagerTest {

  @Test
  void runsAtMostTheLimitAndStartsTheRestByPriorityThenSubmission() throws Exception {
    for (int i = 0; i < 6; i++) {
      origin.file("/f" + i, TestData.bytes(256 * 1024, i)).throttle(512 * 1024);
    }
    States states = new States();
    try (Downloads downloads = builder().maxRunningDownloads(2).listener(states).build()) {
      List<DownloadHandle> handles = new ArrayList<>();
      int[] priorities = {0, 0, 0, 5, 0, 5};
      for (int i = 0; i < 6; i++) {
        handles.add(downloads.submit(DownloadRequest.of(origin.url("/f" + i)).into(dir).priority(priorities[i])));
      }
      int maxSeen = 0;
      while (!handles.stream().allMatch(DownloadHandle::isDone)) {
        // a download seen running in two lists in a row ran throughout the time between the
        // first list's read of it and the second's; several such were running at one instant
        // (one list alone is not atomic: a download may end and another start while it is read)
        Set<String> first = running(downloads);
        Set<String> both = running(downloads);
        both.retainAll(first);
        maxSeen = Math.max(maxSeen, both.size());
        Thread.sleep(5);
      }
      for (DownloadHandle h : handles) {
        h.result().join();
      }
      assertThat(maxSeen).as("downloads running at once").isEqualTo(2);
      // the first two took the slots at submission; then the priority-5 ones, then the rest. By
      // pairs: downloads of the same size end together, so two start at nearly the same moment,
      // and listeners of different downloads are called on different threads (the exact order
      // with one slot is in the next test)
      List<String> starts = states.starts();
      assertThat(starts.subList(0, 2)).containsExactlyInAnyOrder(origin.url("/f0"), origin.url("/f1"));
      assertThat(starts.subList(2, 4)).containsExactlyInAnyOrder(origin.url("/f3"), origin.url("/f5"));
      assertThat(starts.subList(4, 6)).containsExactlyInAnyOrder(origin.url("/f2"), origin.url("/f4"));
    }
  }

  private static Set<String> running(Downloads downloads) {
    return downloads.list().stream().filter(s -> s.state() == DownloadState.RESOLVING
        || s.state() == DownloadState.DOWNLOADING || s.state() == DownloadState.VERIFYING)
        .map(DownloadSnapshot::id).collect(Collectors.toCollection(HashSet::new));
  }

  @Test
  void aQueuedDownloadCanBeReprioritisedOrCancelledAndACancelledOneNeverTouchesTheNetwork() throws Exception {
    origin.file("/slow", TestData.bytes(512 * 1024, 1)).throttle(256 * 1024);
    origin.file("/a", TestData.bytes(1024, 2));
    origin.file("/b", TestData.bytes(1024, 3));
    origin.file("/never", TestData.bytes(1024, 4));
    States states = new States();
    try (Downloads downloads = builder().maxRunningDownloads(1).listener(states).build()) {
      DownloadHandle slow = downloads.submit(DownloadRequest.of(origin.url("/slow")).into(dir));
      DownloadHandle a = downloads.submit(DownloadRequest.of(origin.url("/a")).into(dir));
      DownloadHandle never = downloads.submit(DownloadRequest.of(origin.url("/never")).into(dir));
      DownloadHandle b = downloads.submit(DownloadRequest.of(origin.url("/b")).into(dir));
      assertThat(a.state()).isEqualTo(DownloadState.QUEUED);
      b.priority(10);
      assertThat(never.cancel()).isTrue();
      assertThat(never.state()).isEqualTo(DownloadState.CANCELLED);
      assertThat(never.result()).failsWithin(Duration.ofSeconds(5));
      slow.result().join();
      a.result().join();
      b.result().join();
      assertThat(states.starts()).containsExactly(origin.url("/slow"), origin.url("/b"), origin.url("/a"));
      assertThat(states.of(never)).containsExactly(DownloadState.QUEUED, DownloadState.CANCELLED);
      assertThat(origin.requests("/never")).isEmpty();
      assertThat(never.cancel()).as("a second cancel").isFalse();
    }
  }

  @Test
  void raisingTheLimitAtRuntimeStartsWaitingDownloads() throws Exception {
    for (int i = 0; i < 3; i++) {
      origin.file("/f" + i, TestData.bytes(2 * MIB, i)).throttle(256 * 1024);
    }
    try (Downloads downloads = builder().maxRunningDownloads(1).build()) {
      List<DownloadHandle> handles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        handles.add(downloads.submit(DownloadRequest.of(origin.url("/f" + i)).into(dir).connections(1)));
      }
      waitUntil(() -> handles.get(0).state() == DownloadState.DOWNLOADING, 10_000);
      assertThat(handles.get(1).state()).isEqualTo(DownloadState.QUEUED);
      assertThat(handles.get(2).state()).isEqualTo(DownloadState.QUEUED);
      downloads.limits(downloads.limits().withMaxRunningDownloads(3));
      // limits(...) starts the waiting downloads before it returns; the bound is only for liveness on a loaded machine
      waitUntil(() -> handles.stream().allMatch(h -> h.state() != DownloadState.QUEUED), 5_000);
      handles.forEach(DownloadHandle::cancel);
    }
  }

  @Test
  void aNotBeforeTimeHoldsTheDownloadInTheQueueUntilThen() throws Exception {
    origin.file("/night", TestData.bytes(1024, 5));
    origin.file("/now", TestData.bytes(1024, 6));
    try (Downloads downloads = builder().maxRunningDownloads(1).build()) {
      long earliest = System.nanoTime() + 1_400_000_000L;
      Instant notBefore = Instant.now().plusMillis(1500);
      DownloadHandle night = downloads.submit(DownloadRequest.of(origin.url("/night")).into(dir).notBefore(notBefore));
      DownloadHandle now = downloads.submit(DownloadRequest.of(origin.url("/now")).into(dir));
      now.result().join();
      assertThat(night.state()).isEqualTo(DownloadState.QUEUED);
      assertThat(origin.requests("/night")).isEmpty();
      assertThat(downloads.get(night.id()).orElseThrow().notBefore()).isEqualTo(notBefore);
      night.result().join();
      assertThat(origin.requests("/night").get(0).receivedNanos()).isGreaterThanOrEqualTo(earliest);
    }
  }
}
