package io.modelfetch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.nio.file.Path;
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
