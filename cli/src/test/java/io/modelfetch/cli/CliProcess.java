package io.modelfetch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code modelfetch} command in a child JVM, on this test's classpath, its output in a file
 * (a pipe nobody reads could block it). Killing it with {@link #kill()} is a real SIGKILL on Linux
 * and macOS: no shutdown hook, no finally block, no last checkpoint runs.
 */
final class CliProcess {
  private final Process process;
  private final Path output;

  private CliProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code modelfetch ARGS...}; {@code output} receives its stdout and stderr. */
  static CliProcess start(Path output, String... args) throws IOException {
    return start(output, Map.of(), args);
  }

  /**
   * Starts {@code modelfetch ARGS...} with {@code environment} added to this process's own;
   * {@code output} receives its stdout and stderr.
   */
  static CliProcess start(Path output, Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a short-lived CLI: the client compiler and a small heap start fastest on a busy 2-core machine
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx128m");
    command.add("-cp");
    // the real test class path: with surefire's manifest-only jar, java.class.path names only that jar
    command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    return new CliProcess(builder.start(), output);
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Its exit code; fails with its output if it runs longer than {@code seconds} (a liveness bound). */
  int await(long seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("modelfetch did not finish within " + seconds + " s; its output:\n" + output());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
