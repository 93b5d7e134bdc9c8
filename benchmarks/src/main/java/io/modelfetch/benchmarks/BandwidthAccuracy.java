package io.modelfetch.benchmarks;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Limits;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How exactly the rate limits hold: downloads a file from an uncapped {@link LoopbackOrigin} over 16
 * connections under a limit, samples the bytes on disk every 100 ms, and prints the rate over the
 * 10 s after a 1 s warm-up (the accuracy) and the largest 100 ms and 1 s windows (the bursts),
 * for the total limit and for a download's own limit. Not a JMH benchmark: one run is one
 * measurement of wall-clock behaviour.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.modelfetch.benchmarks.BandwidthAccuracy [MiB/s ...] [--dir /dev/shm]
 * </pre>
 */
public final class BandwidthAccuracy {
  private static final long MIB = 1 << 20;
  private static final int WARM_UP_SAMPLES = 10;
  private static final int MEASURED_SAMPLES = 100;

  private BandwidthAccuracy() {
  }

  public static void main(String[] args) throws Exception {
    List<Long> rates = new ArrayList<>();
    Path base = Path.of("/dev/shm");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--dir")) {
        base = Path.of(args[++i]);
      } else {
        rates.add(Long.parseLong(args[i]));
      }
    }
    if (rates.isEmpty()) {
      rates = List.of(8L, 200L);
    }
    Path work = Files.createTempDirectory(base, "bandwidth-");
    try (LoopbackOrigin origin = LoopbackOrigin.start(0)) {
      System.out.println("| limit | kind | MiB/s over 10 s | error | max 100 ms window | max 1 s window |");
      System.out.println("|---:|---|---:|---:|---:|---:|");
      for (long mib : rates) {
        long rate = mib * MIB;
        // a sparse file: the origin sends zeros from holes, which costs the tmpfs no memory
        Path source = work.resolve("source-" + mib);
        long size = rate * 13;
        try (FileChannel c = FileChannel.open(source, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          c.truncate(size);
          c.write(java.nio.ByteBuffer.wrap(new byte[] {1}), size - 1);
        }
        String url = origin.serve("/" + mib, source).toString();
        for (String kind : List.of("total", "download")) {
          measure(url, rate, kind, work.resolve(kind + "-" + mib));
        }
        Files.delete(source);
      }
    } finally {
      deleteTree(work);
    }
  }

  private static void measure(String url, long rate, String kind, Path into) throws Exception {
    Downloads.Builder b = Downloads.builder().discoverPlugins(false).defaultBackend("jdk").sidecars(false)
        .connectionsPerFile(16);
    if (kind.equals("total")) {
      b.limits(Limits.DEFAULT.withBytesPerSecond(rate));
    }
    DownloadRequest request = DownloadRequest.of(url).into(into);
    if (kind.equals("download")) {
      request = request.bytesPerSecond(rate);
    }
    long[] bytes = new long[WARM_UP_SAMPLES + MEASURED_SAMPLES + 1];
    long[] nanos = new long[bytes.length];
    try (Downloads downloads = b.build()) {
      DownloadHandle h = downloads.submit(request);
      while (h.progress().bytesDone() == 0 && !h.isDone()) {
        Thread.sleep(1);
      }
      long start = System.nanoTime();
      for (int i = 0; i < bytes.length; i++) {
        long due = start + i * 100_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        nanos[i] = System.nanoTime();
        bytes[i] = h.progress().bytesDone();
      }
      h.cancel();
    }
    int from = WARM_UP_SAMPLES;
    int to = bytes.length - 1;
    double measured = (bytes[to] - bytes[from]) / ((nanos[to] - nanos[from]) / 1e9);
    double max100 = 0;
    double max1s = 0;
    for (int i = from; i < to; i++) {
      max100 = Math.max(max100, (bytes[i + 1] - bytes[i]) / ((nanos[i + 1] - nanos[i]) / 1e9));
      if (i + 10 <= to) {
        max1s = Math.max(max1s, (bytes[i + 10] - bytes[i]) / ((nanos[i + 10] - nanos[i]) / 1e9));
      }
    }
    System.out.printf(Locale.ROOT, "| %d MiB/s | %s | %.2f | %+.2f%% | %.1f | %.1f |%n", rate / MIB, kind,
        measured / MIB, (measured / rate - 1) * 100, max100 / MIB, max1s / MIB);
    deleteTree(into);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
