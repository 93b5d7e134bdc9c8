package io.modelfetch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain download through the command line: where it went on stdout, what happened on stderr. */
class CliDownloadTest {
  private static final byte[] DATA = TestData.bytes(3 << 20, 70);
  private static FakeOrigin origin;

  @TempDir
  Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    origin = FakeOrigin.start();
    origin.file("/model.safetensors", DATA);
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
  }

  @Test
  void printsThePathOnStdoutAndASummaryOnStderr() throws Exception {
    String url = origin.url("/model.safetensors");
    assertThat(run(url, "-o", dir.toString(), "-x", "4")).isZero();
    Path file = dir.resolve("model.safetensors");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(file.toAbsolutePath() + System.lineSeparator());
    assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("downloaded 3\\.0 MiB in \\d+\\.\\d s \\(.+/s\\)");
    assertThat(Files.readAllBytes(file)).isEqualTo(DATA);

    assertThat(run(url, "-o", dir.toString())).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("already here: nothing to download");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(file.toAbsolutePath() + System.lineSeparator());

    assertThat(run(url, "-o", dir.toString(), "-q")).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).as("-q: nothing on stderr").isEmpty();
  }

  @Test
  void optionValuesReachTheDownload() throws Exception {
    String url = origin.url("/model.safetensors");
    String wrong = "0".repeat(64);
    assertThat(run(url, "-o", dir.toString(), "-q", "--sha256", wrong)).as("checksum mismatch").isEqualTo(7);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(wrong);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();

    Files.writeString(dir.resolve("model.safetensors"), "an earlier, different file");
    assertThat(run(url, "--output", dir.toString(), "--quiet")).as("file exists").isEqualTo(9);
    assertThat(run(url, "--output", dir.toString(), "--quiet", "--overwrite", "--connections", "2")).isZero();
    assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(DATA);
  }

  @Test
  void badUsageExitsWith2AndSaysWhatIsWrong() {
    assertThat(run("-x", "many", origin.url("/model.safetensors"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value for option '--connections': 'many'");
    assertThat(run("--no-such-option")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--no-such-option'");
    assertThat(run("identify")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required parameter: 'PATH'");
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing URL");
  }
}
