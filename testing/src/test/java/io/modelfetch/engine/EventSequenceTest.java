package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.Progress;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class EventSequenceTest extends EngineTestBase {
  @Test
  void eventsComeInTheDocumentedOrder() throws Exception {
    byte[] data = TestData.bytes(6 << 20, 1);
    origin.file("/m.bin", data).throttle(4 << 20);
    RecordingListener events = new RecordingListener();
    try (Downloads d = builder().listener(events).build()) {
      d.download(DownloadRequest.of(origin.url("/m.bin")).into(dir).sha256(TestData.sha256(data)));
    }
    List<String> all = events.events();
    assertThat(events.eventsWithoutProgress())
        .containsExactly("resolved", "started", "fileStarted", "verifying", "fileCompleted", "completed");
    assertThat(all.subList(all.indexOf("fileStarted") + 1, all.indexOf("verifying")))
        .as("throttled to 3 MiB/s per connection, the transfer takes about a second and reports progress")
        .isNotEmpty().containsOnly("progress");
    assertThat(all.get(all.size() - 2)).as("a last progress event with every byte done").isEqualTo("progress");
    Progress last = events.progress().get(events.progress().size() - 1);
    assertThat(last.bytesDone()).isEqualTo(data.length);
    assertThat(last.filesDone()).isEqualTo(1);
    assertThat(events.progress()).extracting(Progress::bytesDone).isSorted();
    assertThat(events.progress()).filteredOn(p -> p.bytesDone() > 0 && p.bytesDone() < data.length)
        .as("a rate from the first event on, never 0 B/s while bytes arrive").isNotEmpty()
        .allSatisfy(p -> assertThat(p.bytesPerSecond()).isPositive());
  }

  @Test
  void onlyOnFailedWhenResolutionFails() throws Exception {
    RecordingListener events = new RecordingListener();
    try (Downloads d = builder().listener(events).build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of("gopher://x/y").into(dir)))
          .isInstanceOf(DownloadException.class);
    }
    assertThat(events.events()).containsExactly("failed");
  }

  @Test
  void theFutureCompletesAfterTheLastCallbackReturned() throws Exception {
    origin.file("/f.bin", TestData.bytes(1 << 20, 2));
    RecordingListener events = new RecordingListener();
    try (Downloads d = builder().listener(events).build()) {
      DownloadResult r = d.submit(DownloadRequest.of(origin.url("/f.bin")).into(dir)).result().join();
      assertThat(events.result()).isSameAs(r);
      assertThat(events.events()).last().isEqualTo("completed");
    }
  }

  @Test
  void progressIsThrottledToAFewEventsASecond() throws Exception {
    byte[] data = TestData.bytes(4 << 20, 3);
    origin.file("/slow.bin", data).throttle(512 * 1024);
    RecordingListener events = new RecordingListener();
    long start = System.nanoTime();
    try (Downloads d = builder().connectionsPerFile(4).listener(events).build()) {
      d.download(DownloadRequest.of(origin.url("/slow.bin")).into(dir));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(seconds).as("4 MiB over 4 connections at 512 KiB/s").isGreaterThan(1.5);
    assertThat(events.progress().size()).isLessThanOrEqualTo((int) Math.ceil(seconds * 5) + 2);
  }

  @Test
  void aListenerThatThrowsNeverBreaksTheDownload() throws Exception {
    byte[] data = TestData.bytes(2 << 20, 4);
    origin.file("/x.bin", data).throttle(2 << 20);
    DownloadListener hostile = new DownloadListener() {
      @Override
      public void onResolved(DownloadHandle d, List<io.modelfetch.ResolvedFile> files) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void onProgress(DownloadHandle d, Progress p) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void onFileStarted(DownloadHandle d, Path target, long resumed) {
        throw new Error("not a VirtualMachineError, so still contained");
      }
    };
    RecordingListener after = new RecordingListener();
    try (Downloads d = builder().listener(hostile).listener(after).build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/x.bin")).into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    assertThat(after.eventsWithoutProgress()).contains("resolved", "fileStarted", "completed");
  }

  @Test
  void aListenerMayCancelFromItsCallback() throws Exception {
    origin.file("/c.bin", TestData.bytes(8 << 20, 5)).throttle(1 << 20);
    try (Downloads d = builder().listener(new DownloadListener() {
      @Override
      public void onProgress(DownloadHandle h, Progress p) {
        if (p.bytesDone() > 0) {
          h.cancel();
        }
      }
    }).build()) {
      DownloadHandle h = d.submit(DownloadRequest.of(origin.url("/c.bin")).into(dir));
      assertThatThrownBy(() -> h.result().join()).isInstanceOf(CompletionException.class)
          .cause().isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.CANCELLED));
    }
    assertThat(dir.resolve("c.bin")).doesNotExist();
    assertThat(dir.resolve("c.bin.part")).as("kept for a resume").exists();
  }
}
