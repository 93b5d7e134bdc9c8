package io.modelfetch.benchmarks;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Limits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code Downloads} taking N downloads of the same URL at once, each into its own folder, as a
 * server does for many users: the modelfetch side of {@code many-downloads.sh}. Prints the wall
 * time, the total rate and the peak number of live JVM threads.
 *
 * <pre>
 * java -cp benchmarks.jar io.modelfetch.benchmarks.ManyDownloads URL COUNT DIR RUNNING CONNECTIONS PER_HOST SHA256
 * </pre>
 */
public final class ManyDownloads {
  private ManyDownloads() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int count = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    Limits limits = Limits.DEFAULT.withMaxRunningDownloads(Integer.parseInt(args[3]))
        .withMaxConnections(Integer.parseInt(args[4])).withMaxConnectionsPerHost(Integer.parseInt(args[5]));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long bytes = 0;
    try (Downloads downloads = Downloads.builder().discoverPlugins(false).defaultBackend("jdk").sidecars(false)
        .limits(limits).build()) {
      List<DownloadHandle> handles = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        // with the SHA-256 the engine verifies every copy before it is in place
        handles.add(downloads.submit(DownloadRequest.of(url).into(dir.resolve(Integer.toString(i))).sha256(args[6])));
      }
      for (DownloadHandle h : handles) {
        bytes += h.result().join().file().size();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "modelfetch: %d downloads, %.1f MiB in %.2f s = %.1f MiB/s, peak threads %d%n",
        count, bytes / 1048576.0, seconds, bytes / 1048576.0 / seconds, threads.getPeakThreadCount());
  }
}
