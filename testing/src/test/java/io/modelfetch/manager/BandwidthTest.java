package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * Rate limits, total and per download, changed at runtime. Only a loose sanity check of the rate
 * (+-25%, well clear of a loaded machine's noise): the +-5% accuracy over 10 s is measured by the
 * {@code BandwidthAccuracy} benchmark, not asserted here.
 */
class BandwidthTest extends ManagerTest {

  @Test
  void theTotalLimitHoldsAcrossConnectionsAndDownloads() throws Exception {
    origin.file("/a", TestData.bytes(3 * MIB, 1)).etag("\"a\"");
    origin.file("/b", TestData.bytes(3 * MIB, 2)).etag("\"b\"");
    try (Downloads downloads = builder().limits(io.modelfetch.Limits.DEFAULT.withBytesPerSecond(2L * MIB)).build()) {
      long start = System.nanoTime();
      DownloadHandle a = downloads.submit(DownloadRequest.of(origin.url("/a")).into(dir).connections(4));
      DownloadHandle b = downloads.submit(DownloadRequest.of(origin.url("/b")).into(dir).connections(4));
      a.result().join();
      b.result().join();
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = 6.0 * MIB / seconds;
      assertThat(rate / (2.0 * MIB)).as("measured rate / limit (%.1f s)", seconds).isBetween(0.75, 1.25);
    }
  }

  @Test
  void aDownloadsOwnLimitCanBeRaisedAndRemovedWhileItRuns() throws Exception {
    origin.file("/m", TestData.bytes(16 * MIB, 3)).etag("\"m\"");
    try (Downloads downloads = builder().build()) {
      DownloadHandle h = downloads.submit(DownloadRequest.of(origin.url("/m")).into(dir).connections(4)
          .bytesPerSecond(MIB));
      waitUntil(() -> h.state() == DownloadState.DOWNLOADING && h.progress().bytesDone() > 0, 10_000);
      long t0 = System.nanoTime();
      long b0 = h.progress().bytesDone();
      Thread.sleep(2000);
      double slow = (h.progress().bytesDone() - b0) / ((System.nanoTime() - t0) / 1e9);
      assertThat(slow / MIB).as("rate under a 1 MiB/s limit, MiB/s").isBetween(0.75, 1.25);
      assertThat(h.bytesPerSecond()).isEqualTo(MIB);
      h.bytesPerSecond(4L * MIB);
      Thread.sleep(300);
      long t1 = System.nanoTime();
      long b1 = h.progress().bytesDone();
      Thread.sleep(1500);
      double fast = (h.progress().bytesDone() - b1) / ((System.nanoTime() - t1) / 1e9);
      assertThat(fast / MIB).as("rate after raising the limit to 4 MiB/s, MiB/s").isBetween(3.0, 5.0);
      h.bytesPerSecond(0);
      assertThat(h.result().join().file().size()).isEqualTo(16L * MIB);
    }
  }
}
