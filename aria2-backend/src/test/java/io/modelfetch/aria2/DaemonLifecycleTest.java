package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The daemon never outlives the JVM that started it, even one killed with SIGKILL. */
class DaemonLifecycleTest {
  @TempDir
  Path dir;

  @BeforeEach
  void requireAria2c() {
    RealAria2c.require();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  @Timeout(60)
  void theDaemonStopsByItselfWhenItsJvmIsKilled() throws Exception {
    try (FakeOrigin origin = FakeOrigin.start()) {
      origin.file("/slow.bin", TestData.bytes(8 << 20, 21)).etag("\"v1\"").throttle(128 * 1024);
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), DownloadingChild.class.getName(),
          origin.url("/slow.bin"), dir.toString())
          .redirectErrorStream(true)
          .start();
      long daemonPid;
      try {
        daemonPid = awaitDaemonPid(child);
        assertThat(running(daemonPid)).isTrue();
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }
      long deadline = System.currentTimeMillis() + 15_000;
      while (running(daemonPid) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(running(daemonPid)).as("aria2c %d after its JVM was killed", daemonPid).isFalse();
      assertThat(dir.resolve("slow.bin.part.aria2")).as("the control file aria2c saved as it stopped").exists();
    }
  }

  /**
   * Right after a kill -9 the orphaned aria2c still runs for a few seconds and has not yet saved
   * its control file; a rerun must wait for it (or take its files over) and resume, not start
   * from byte 0. Counted at the origin: the rerun fetches less than the whole file.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  @Timeout(90)
  void aRerunRightAfterAKillResumesInsteadOfStartingOver() throws Exception {
    int size = 16 << 20;
    byte[] data = TestData.bytes(size, 22);
    try (FakeOrigin origin = FakeOrigin.start()) {
      origin.file("/slow.bin", data).etag("\"v1\"").throttle(256 * 1024);
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), DownloadingChild.class.getName(),
          origin.url("/slow.bin"), dir.toString())
          .redirectErrorStream(true)
          .start();
      long daemonPid;
      try {
        daemonPid = awaitDaemonPid(child);
        long deadline = System.currentTimeMillis() + 30_000;
        while (origin.bodyBytesServed("/slow.bin") < size / 3 && System.currentTimeMillis() < deadline) {
          Thread.sleep(20);
        }
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }
      assertThat(running(daemonPid)).as("the orphaned aria2c is still running when the rerun starts").isTrue();
      long servedBefore = origin.bodyBytesServed("/slow.bin");
      DownloadResult r;
      try (Downloads downloads = Downloads.builder().backend(new Aria2Backend()).defaultBackend(Aria2Backend.NAME)
          .discoverPlugins(false).build()) {
        r = downloads.download(DownloadRequest.of(origin.url("/slow.bin")).into(dir));
      }
      long rerun = origin.bodyBytesServed("/slow.bin") - servedBefore;
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
      assertThat(r.file().status()).isEqualTo(DownloadedFile.Status.RESUMED);
      assertThat(rerun).as("bytes the rerun fetched (the first run had %d)", servedBefore).isLessThan(size - (2 << 20));
    }
  }

  private static long awaitDaemonPid(Process child) throws IOException {
    StringBuilder output = new StringBuilder();
    BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("aria2c ")) {
        // keep draining, so the child never blocks on a full pipe
        Thread drain = new Thread(() -> in.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return Long.parseLong(line.substring("aria2c ".length()).strip());
      }
      output.append(line).append('\n');
    }
    throw new AssertionError("the child JVM ended without starting aria2c:\n" + output);
  }

  /** Alive and not a zombie: an orphan that exited may wait a moment for init to reap it. */
  private static boolean running(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    try {
      String s = Files.readString(stat);
      return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
