package io.modelfetch.manager;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The JVM that {@link PersistenceTest} kills: with the state folder {@code args[0]}, downloads into
 * {@code args[1]} the URLs {@code args[2..]} two at a time, pauses the second, and prints
 * {@code READY ID...} (ids in submission order) once the first is moving bytes and the second is
 * paused; then waits to be killed.
 */
final class PersistenceChild {
  private PersistenceChild() {
  }

  public static void main(String[] args) throws Exception {
    Downloads downloads = Downloads.builder().discoverPlugins(false).defaultBackend("jdk").sidecars(false)
        .idleTimeout(Duration.ofSeconds(5)).maxRunningDownloads(2).stateFolder(Path.of(args[0])).build();
    DownloadHandle[] handles = new DownloadHandle[args.length - 2];
    for (int i = 2; i < args.length; i++) {
      handles[i - 2] = downloads.submit(DownloadRequest.of(args[i]).into(Path.of(args[1])).connections(2));
    }
    while (handles[1].progress().bytesDone() == 0 || handles[0].progress().bytesDone() == 0) {
      Thread.sleep(10);
    }
    handles[1].pause();
    while (handles[1].state() != DownloadState.PAUSED) {
      Thread.sleep(10);
    }
    StringBuilder ready = new StringBuilder("READY");
    for (DownloadHandle h : handles) {
      ready.append(' ').append(h.id());
    }
    System.out.println(ready);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
