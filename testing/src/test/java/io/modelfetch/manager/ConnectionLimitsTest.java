package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine-wide connection budget and the per-host limit, across running downloads, changeable at runtime. */
class ConnectionLimitsTest extends ManagerTest {

  @Test
  void runningDownloadsTogetherStayWithinTheTotalBudget() throws Exception {
    for (int i = 0; i < 3; i++) {
      origin.file("/f" + i, TestData.bytes(6 * MIB, i)).etag("\"v" + i + "\"").throttle(512 * 1024);
    }
    try (Downloads downloads = builder().maxRunningDownloads(3).maxConnectionsTotal(6).build()) {
      List<DownloadHandle> handles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        handles.add(downloads.submit(DownloadRequest.of(origin.url("/f" + i)).into(dir).connections(4)));
      }
      int peak = peakConnections(handles);
      assertThat(peak).as("connections open at once").isBetween(3, 6);
      for (DownloadHandle h : handles) {
        assertThat(h.result().join().file().size()).isEqualTo(6L * MIB);
      }
    }
  }

  @Test
  void eachHostGetsAtMostItsLimitWhileOtherHostsAreNotHeldBack() throws Exception {
    origin.file("/a", TestData.bytes(6 * MIB, 1)).etag("\"a\"").throttle(512 * 1024);
    origin.file("/b", TestData.bytes(6 * MIB, 2)).etag("\"b\"").throttle(512 * 1024);
    try (Downloads downloads = builder().maxConnectionsPerHost(3).build()) {
      DownloadHandle a = downloads.submit(DownloadRequest.of(origin.url("/a")).into(dir).connections(6));
      DownloadHandle b = downloads.submit(DownloadRequest.of(origin.urlOnOtherHost("/b")).into(dir).connections(6));
      AtomicInteger peakA = new AtomicInteger();
      AtomicInteger peakBoth = new AtomicInteger();
      while (!a.isDone() || !b.isDone()) {
        peakA.accumulateAndGet(a.progress().openConnections(), Math::max);
        peakBoth.accumulateAndGet(a.progress().openConnections() + b.progress().openConnections(), Math::max);
        Thread.sleep(5);
      }
      a.result().join();
      b.result().join();
      assertThat(peakA.get()).as("connections to one host").isEqualTo(3);
      assertThat(peakBoth.get()).as("connections to both hosts").isGreaterThan(3).isLessThanOrEqualTo(6);
    }
  }

  @Test
  void loweringTheBudgetAtRuntimeClosesExtraConnectionsAndASmallFileGetsItsTurn() throws Exception {
    byte[] big = TestData.bytes(24 * MIB, 3);
    origin.file("/big", big).etag("\"big\"").throttle(256 * 1024);
    origin.file("/small", TestData.bytes(64 * 1024, 4));
    try (Downloads downloads = builder().maxConnectionsTotal(8).build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/big")).into(dir).connections(8));
      waitUntil(() -> h.progress().openConnections() == 8, 20_000);
      downloads.limits(downloads.limits().withMaxConnections(2));
      waitUntil(() -> h.progress().openConnections() <= 2, 5_000);
      // every connection is taken: a new file's first connection makes the large one give one back
      DownloadHandle small = downloads.submit(DownloadRequest.of(origin.url("/small")).into(dir));
      assertThat(small.result().join().file().size()).isEqualTo(64 * 1024);
      assertThat(h.isDone()).as("the large download is still running").isFalse();
      downloads.limits(downloads.limits().withMaxConnections(32));
      waitUntil(() -> h.progress().openConnections() > 2, 5_000);
      h.cancel();
    }
  }

  private static int peakConnections(List<DownloadHandle> handles) throws InterruptedException {
    int peak = 0;
    AtomicBoolean running = new AtomicBoolean(true);
    while (running.get()) {
      int open = handles.stream().mapToInt(h -> h.progress().openConnections()).sum();
      peak = Math.max(peak, open);
      running.set(!handles.stream().allMatch(DownloadHandle::isDone));
      Thread.sleep(5);
    }
    return peak;
  }
}
