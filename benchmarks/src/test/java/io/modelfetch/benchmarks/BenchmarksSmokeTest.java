package io.modelfetch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.modelfetch.DownloadResult;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark once with tiny sizes and one short iteration, in this JVM, so a change that
 * breaks a benchmark (or the download it measures) fails the build. The numbers mean nothing; the
 * full runs are {@code java -jar benchmarks/target/benchmarks.jar}.
 */
class BenchmarksSmokeTest {
  @TempDir
  Path dir;

  @Test
  void segmentedThroughputDownloadsAndReportsMebibytes() throws RunnerException {
    RunResult result = runOnce(SegmentedThroughputBenchmark.class, options -> options
        .param("connections", "4").param("sizeMiB", "2").param("rateMiBps", "0").param("sha256", "true"));

    assertThat(secondary(result, "mebibytes").getScore()).isPositive();
    assertThat(result.getPrimaryResult().getScore()).isPositive();
  }

  @Test
  void manySmallFilesDownloadsEveryFileAndReportsFilesPerSecond() throws RunnerException {
    RunResult result = runOnce(ManySmallFilesBenchmark.class, options -> options
        .param("files", "20").param("sizeKiB", "4").param("rateMiBps", "0"));

    assertThat(secondary(result, "files").getScore()).isPositive();
    assertThat(secondary(result, "files").getScore())
        .isCloseTo(20 * result.getPrimaryResult().getScore(), withinPercentage(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lean", "fake"})
  void originCeilingCalibrationRunsAgainstBothOrigins(String origin) throws RunnerException {
    RunResult result = runOnce(OriginCeilingBenchmark.class, options -> options
        .param("origin", origin).param("connections", "2").param("sizeMiB", "2").param("rateMiBps", "0"));

    assertThat(secondary(result, "mebibytes").getScore()).isPositive();
  }

  /** The content check after each operation catches a single wrong byte, and names where it is. */
  @Test
  void oneWrongByteInTheDownloadFailsTheThroughputBenchmark() throws Exception {
    SegmentedThroughputBenchmark b = new SegmentedThroughputBenchmark();
    b.connections = 2;
    b.sizeMiB = 1;
    b.rateMiBps = 0;
    b.directory = dir.toString();
    b.start();
    try {
      b.download(new Transferred());
      b.checkAndDeleteDownload();
      Path file = b.download(new Transferred()).path();
      flipByte(file, 123_457);
      assertThatThrownBy(b::checkAndDeleteDownload).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at byte 123457");
    } finally {
      b.stop();
    }
  }

  @Test
  void oneWrongByteInOneOfManyFilesFailsTheSmallFilesBenchmark() throws Exception {
    ManySmallFilesBenchmark b = new ManySmallFilesBenchmark();
    b.files = 5;
    b.sizeKiB = 4;
    b.rateMiBps = 0;
    b.concurrentFiles = 2;
    b.directory = dir.toString();
    b.start();
    try {
      DownloadResult result = b.downloadRepository(new Transferred());
      flipByte(result.files().get(3).path(), 4095);
      assertThatThrownBy(b::checkAndDeleteDownloads).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at byte 4095");
    } finally {
      b.stop();
    }
  }

  @Test
  void oneWrongByteFailsTheOriginCalibration() throws Exception {
    OriginCeilingBenchmark b = new OriginCeilingBenchmark();
    b.connections = 2;
    b.sizeMiB = 1;
    b.rateMiBps = 0;
    b.origin = "fake";
    b.directory = dir.toString();
    b.start();
    try {
      b.download(new Transferred());
      Path raw;
      try (var files = Files.walk(dir)) {
        raw = files.filter(p -> p.getFileName().toString().equals("raw.bin")).findFirst().orElseThrow();
      }
      flipByte(raw, 0);
      assertThatThrownBy(b::checkAndDeleteDownload).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at byte 0");
    } finally {
      b.stop();
    }
  }

  private static void flipByte(Path file, long position) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      ch.write(one, position);
    }
  }

  private RunResult runOnce(Class<?> benchmark, UnaryOperator<ChainedOptionsBuilder> params)
      throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("\\." + benchmark.getSimpleName() + "\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .shouldFailOnError(true)
        .param("directory", dir.toString());
    Collection<RunResult> results = new Runner(params.apply(options).build()).run();
    assertThat(results).hasSize(1);
    return results.iterator().next();
  }

  private static Result<?> secondary(RunResult result, String name) {
    Result<?> r = result.getSecondaryResults().get(name);
    assertThat(r).as("secondary result %s in %s", name, result.getSecondaryResults().keySet()).isNotNull();
    return r;
  }
}
