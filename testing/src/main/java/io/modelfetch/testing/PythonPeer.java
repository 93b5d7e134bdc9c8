package io.modelfetch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Python library to check against (huggingface_hub reading a cache modelfetch wrote, the
 * safetensors and gguf readers opening files the tests made), from the virtual environment that
 * {@code .ci/python-peers} installs offline. The interpreter is {@code MODELFETCH_PYTHON}, else the
 * script's default venv. In CI ({@code CI=true}) a missing interpreter or module fails the test;
 * elsewhere the test is skipped with a message saying how to install it.
 */
public final class PythonPeer {
  private final Path python;

  private PythonPeer(Path python) {
    this.python = python;
  }

  /** The interpreter, with each of {@code modules} importable; fails in CI, skips elsewhere. */
  public static PythonPeer require(String... modules) {
    String configured = System.getenv("MODELFETCH_PYTHON");
    Path python = configured != null ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "modelfetch", "python-peers", "bin", "python");
    String missing = null;
    if (!Files.isExecutable(python)) {
      missing = "no Python at " + python;
    } else {
      PythonPeer peer = new PythonPeer(python);
      Result probe = peer.run("import " + String.join(", ", modules), Map.of());
      if (probe.exitCode() != 0) {
        missing = python + " cannot import " + String.join(", ", modules) + ": " + probe.stderr().strip();
      }
    }
    if (missing == null) {
      return new PythonPeer(python);
    }
    String message = missing + "; install the Python peers with .ci/python-peers (or set MODELFETCH_PYTHON)";
    if ("true".equals(System.getenv("CI"))) {
      fail("CI must run the tests against real Python libraries: " + message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** Runs {@code script} with {@code args} in {@code sys.argv[1:]} and the extra environment. */
  public Result run(String script, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of(python.toString(), "-c", script));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    try {
      Path out = Files.createTempFile("python-peer", ".out");
      Path err = Files.createTempFile("python-peer", ".err");
      try {
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("Python did not finish within 120 s: " + script);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + python + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while Python ran", e);
    }
  }

  /** What a script printed, and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Its standard output, failing the test with everything it printed if the script failed. */
    public String output() {
      if (exitCode != 0) {
        fail("Python exited with " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return stdout;
    }
  }
}
