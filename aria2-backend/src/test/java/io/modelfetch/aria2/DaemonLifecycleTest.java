package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

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
