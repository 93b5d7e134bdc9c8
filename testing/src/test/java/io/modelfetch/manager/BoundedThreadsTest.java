package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Queued downloads hold no thread: 200 of them create no more threads than the running ones need. */
class BoundedThreadsTest extends ManagerTest {

  @Test
  void twoHundredQueuedDownloadsCreateOnlyTheThreadsOfTheRunningOnes() throws Exception {
    for (int i = 0; i < 200; i++) {
      origin.file("/f" + i, TestData.bytes(64 * 1024, i)).throttle(64 * 1024);
    }
    AtomicInteger created = new AtomicInteger();
    ThreadFactory counting = r -> {
      Thread t = new Thread(r, "app-" + created.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    int running = 2;
    int connections = 2;
    try (Downloads downloads = builder().maxRunningDownloads(running).threadFactory(counting).build()) {
      List<DownloadHandle> handles = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        handles.add(downloads.submit(DownloadRequest.of(origin.url("/f" + i)).into(dir).connections(connections)));
      }
      waitUntil(() -> handles.get(0).state() == DownloadState.DOWNLOADING, 10_000);
      Thread.sleep(500);
      assertThat(handles.stream().filter(h -> h.state() == DownloadState.QUEUED).count()).isGreaterThan(190);
      // per running download: its run and its connections; then the four event threads, the
      // ticker, and per slot one worker left idle by a download that just ended
      int bound = running * (1 + connections) + 4 + 1 + running;
      assertThat(created.get()).as("threads created").isLessThanOrEqualTo(bound);
      handles.forEach(DownloadHandle::cancel);
    }
  }
}
