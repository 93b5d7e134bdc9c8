package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A download's heap use does not grow with the file: 1 GiB arrives in a JVM limited to 64 MiB of
 * heap, with the collector the JVM picks here and with the serial one (what it picks on one CPU).
 */
class HeapTest extends EngineTestBase {
  private static final int GIB = 1 << 30;
  private static final long HEAP_LIMIT = 64L << 20;

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseG1GC"})
  void aGibibyteDownloadSucceedsWithSixtyFourMibOfHeap(String collector) throws Exception {
    byte[] block = TestData.bytes(1 << 20, 40);
    byte[] data = new byte[GIB];
    for (int i = 0; i < GIB; i += block.length) {
      System.arraycopy(block, 0, data, i, block.length);
    }
    origin.file("/1g.bin", data);
    Path target = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempDirectory(Path.of("/dev/shm"), "mf-heap") : dir;
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process p = new ProcessBuilder(List.of(java, "-Xmx64m", collector, "-cp", classpath, HeapTest.class.getName(),
          origin.url("/1g.bin"), target.toString()))
          .redirectErrorStream(true).start();
      String output;
      boolean ended = p.waitFor(120, TimeUnit.SECONDS);
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(ended).as("child finished: " + output).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      // the limit the child ran under: a collector keeps part of -Xmx for itself (serial: one
      // survivor space, reported as 61 MiB), so the bound is "at most 64 MiB", not "exactly"
      Matcher heap = Pattern.compile("max heap (\\d+) bytes").matcher(output);
      assertThat(heap.find()).as(output).isTrue();
      assertThat(Long.parseLong(heap.group(1))).as("the child's heap limit").isPositive().isLessThanOrEqualTo(HEAP_LIMIT);
      assertThat(output).contains("size " + GIB);
      assertThat(target.resolve("1g.bin")).hasSize(GIB);
      assertThat(Files.mismatch(target.resolve("1g.bin"), writeExpected(target, data))).isEqualTo(-1);
    } finally {
      try (var files = Files.list(target)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(target);
    }
  }

  private static Path writeExpected(Path dir, byte[] data) throws Exception {
    Path expected = dir.resolve("expected.bin");
    Files.write(expected, data);
    return expected;
  }

  /** The child: downloads args[0] into args[1] with default settings. */
  public static void main(String[] args) throws Exception {
    try (Downloads d = Downloads.builder().discoverPlugins(false).build()) {
      DownloadResult r = d.download(DownloadRequest.of(args[0]).into(Path.of(args[1])));
      System.out.println("max heap " + Runtime.getRuntime().maxMemory() + " bytes");
      System.out.println("size " + Files.size(r.path()));
    }
    System.out.println(File.separator.isEmpty() ? "" : "done");
  }
}
