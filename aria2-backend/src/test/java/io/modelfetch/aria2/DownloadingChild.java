package io.modelfetch.aria2;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import java.nio.file.Path;

/**
 * The JVM that {@link DaemonLifecycleTest} kills: starts a slow download of {@code args[0]} into
 * {@code args[1]} through aria2, prints {@code aria2c PID} once bytes arrive, then waits.
 */
final class DownloadingChild {
  private DownloadingChild() {
  }

  public static void main(String[] args) throws Exception {
    Downloads downloads = Downloads.builder()
        .backend(new Aria2Backend())
        .defaultBackend(Aria2Backend.NAME)
        .discoverPlugins(false)
        .build();
    DownloadHandle h = downloads.submit(DownloadRequest.of(args[0]).into(Path.of(args[1])));
    while (h.progress().bytesDone() == 0) {
      if (h.result().isDone()) {
        h.result().join();
        throw new IllegalStateException("the download ended before it could be killed");
      }
      Thread.sleep(20);
    }
    System.out.println("aria2c " + Aria2Processes.children().get(0).pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
