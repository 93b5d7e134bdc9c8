package io.modelfetch.aria2;

import io.modelfetch.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code aria2c --enable-rpc}, listening on loopback only, stopped by aria2 itself
 * when this JVM dies ({@code stop-with-process}).
 *
 * <p>Its command line is only {@code aria2c --conf-path=FILE}: any local user can read a
 * process's arguments ({@code /proc/PID/cmdline}), so the RPC secret travels in a configuration
 * file readable by the owner alone, deleted as soon as aria2 has read it. Naming a configuration
 * file also keeps aria2 from reading the user's own {@code aria2.conf}.
 */
final class Aria2Daemon implements AutoCloseable {
  /** What aria2c would read as proxies by itself (lower and upper case). */
  private static final List<String> PROXY_VARIABLES = List.of("http_proxy", "https_proxy", "ftp_proxy", "all_proxy",
      "no_proxy");
  private static final Logger LOG = LoggerFactory.getLogger(Aria2Daemon.class);
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);
  private static final long START_TIMEOUT_MILLIS = 10_000;
  /** Starts tried before giving up; another process may take the free port between choosing it and aria2 binding it. */
  private static final int START_ATTEMPTS = 3;
  private static final int OUTPUT_LINES_KEPT = 20;
  /** aria2.shutdown's fixed delay is 3 s; a stop takes longer only when something is wrong. */
  private static final long STOP_TIMEOUT_SECONDS = 6;

  private final Process process;
  private final Aria2Rpc rpc;
  private final Deque<String> lastOutput;
  /** The overall limit last set on the daemon (it starts with none). */
  private final long[] overallLimit = {0};

  /** The aria2c process's id. */
  long pid() {
    return process.pid();
  }

  private Aria2Daemon(Process process, Aria2Rpc rpc, Deque<String> lastOutput) {
    this.process = process;
    this.rpc = rpc;
    this.lastOutput = lastOutput;
  }

  /**
   * Starts a daemon and waits until it answers RPC calls.
   *
   * @param globalOptions options for the whole daemon, written into its configuration file
   * @param trustedCertificates a PEM file of authorities to trust besides the JDK's, if any
   */
  static Aria2Daemon start(Path executable, Map<String, String> globalOptions, Optional<Path> trustedCertificates)
      throws IOException {
    IOException failure = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        return startOnce(executable, globalOptions, trustedCertificates);
      } catch (IOException e) {
        failure = e;
        LOG.debug("aria2c did not start: {}", e.getMessage());
      }
    }
    throw failure;
  }

  private static Aria2Daemon startOnce(Path executable, Map<String, String> globalOptions,
      Optional<Path> trustedCertificates) throws IOException {
    String secret = HexFormat.of().formatHex(randomSecret());
    int port = freeLoopbackPort();
    Map<String, String> options = new LinkedHashMap<>(globalOptions);
    options.put("enable-rpc", "true");
    options.put("rpc-listen-all", "false");
    options.put("rpc-listen-port", Integer.toString(port));
    options.put("rpc-secret", secret);
    options.put("stop-with-process", Long.toString(ProcessHandle.current().pid()));
    Path confDir = privateDirectory();
    try {
      if (trustedCertificates.isPresent()) {
        // read once, at start, like the configuration file
        Path bundle = privateFile(confDir.resolve("ca.pem"));
        CaBundle.write(trustedCertificates.get(), bundle);
        options.put("ca-certificate", bundle.toString());
      }
      Path conf = privateFile(confDir.resolve("aria2.conf"));
      StringBuilder text = new StringBuilder();
      options.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      Files.writeString(conf, text, StandardCharsets.UTF_8);
      ProcessBuilder builder = new ProcessBuilder(executable.toString(), "--conf-path=" + conf).redirectErrorStream(true);
      // proxies come from the builder's ProxySelector per download, as for the built-in backend
      for (String variable : PROXY_VARIABLES) {
        builder.environment().remove(variable);
        builder.environment().remove(variable.toUpperCase(java.util.Locale.ROOT));
      }
      Process process = builder.start();
      process.getOutputStream().close();
      Deque<String> output = captureOutput(process);
      Aria2Daemon daemon = new Aria2Daemon(process, new Aria2Rpc(port, secret, RPC_TIMEOUT), output);
      daemon.awaitReady(port);
      LOG.debug("aria2c started (pid {}, RPC on 127.0.0.1:{})", process.pid(), port);
      return daemon;
    } finally {
      deleteQuietly(confDir.resolve("aria2.conf"));
      deleteQuietly(confDir.resolve("ca.pem"));
      deleteQuietly(confDir);
    }
  }

  /**
   * Waits until the RPC server answers. Readiness is asked with {@code system.listMethods}, which
   * needs no secret, so polling sends the secret nowhere. If another process took the free port
   * first, aria2 cannot bind it, exits, and is started again on another port.
   */
  private void awaitReady(int port) throws IOException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(exitDescription());
      }
      if (rpc.answers() && process.isAlive()) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        process.destroyForcibly();
        throw new IOException("aria2c did not answer on 127.0.0.1:" + port + " within "
            + START_TIMEOUT_MILLIS / 1000 + " s" + outputSuffix());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while starting aria2c", e);
      }
    }
  }

  /**
   * Sets aria2's {@code max-overall-download-limit} when the engine's total limit differs from
   * what was last set (the daemon is shared by the downloads of one {@code Downloads}).
   */
  void overallLimit(long bytesPerSecond) throws IOException {
    synchronized (overallLimit) {
      if (overallLimit[0] != bytesPerSecond) {
        rpc.changeGlobalOption(java.util.Map.of("max-overall-download-limit", Long.toString(bytesPerSecond)));
        overallLimit[0] = bytesPerSecond;
      }
    }
  }

  Aria2Rpc rpc() {
    return rpc;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Why the daemon is gone, with its last words, for error messages. */
  String exitDescription() {
    String code = process.isAlive() ? "is still running" : "exited with code " + process.exitValue();
    return "aria2c (pid " + process.pid() + ") " + code + outputSuffix();
  }

  private String outputSuffix() {
    synchronized (lastOutput) {
      return lastOutput.isEmpty() ? "" : ": " + String.join(" | ", lastOutput);
    }
  }

  /**
   * Stops aria2 the way it saves the control files of unfinished downloads (so they resume later),
   * then insists with SIGKILL. Where the JVM can send SIGTERM, that is the way: aria2 stops as on
   * Ctrl-C, whereas {@code aria2.shutdown} waits a fixed 3 seconds before it even begins. aria2
   * notices the signal when its event loop wakes, within a second, or at once when a request
   * arrives, hence the call that needs no secret right after it.
   */
  @Override
  public void close() {
    LOG.debug("stopping aria2c (pid {})", process.pid());
    if (process.supportsNormalTermination()) {
      process.destroy();
      rpc.answers();
    } else {
      try {
        rpc.shutdown();
      } catch (IOException e) {
        LOG.debug("aria2.shutdown failed: {}", e.getMessage());
      }
    }
    if (!exited(STOP_TIMEOUT_SECONDS)) {
      LOG.warn("aria2c (pid {}) did not stop within {} s; killing it", process.pid(), STOP_TIMEOUT_SECONDS);
      process.destroyForcibly();
      exited(STOP_TIMEOUT_SECONDS);
    }
    LOG.debug("aria2c (pid {}) stopped", process.pid());
  }

  private boolean exited(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return true;
    }
  }

  /** Drains aria2's console (a full pipe would block it), logging it and keeping the last lines for errors. */
  private static Deque<String> captureOutput(Process process) {
    Deque<String> last = new ArrayDeque<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          // console lines may name a download's URL, whose signature is a credential
          String safe = Secret.redact(line.strip());
          LOG.debug("aria2c: {}", safe);
          synchronized (last) {
            last.addLast(safe);
            if (last.size() > OUTPUT_LINES_KEPT) {
              last.removeFirst();
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        LOG.debug("stopped reading aria2c's output: {}", e.getMessage());
      }
    }, "aria2c-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    return last;
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Path privateDirectory() throws IOException {
    try {
      return Files.createTempDirectory("modelfetch-aria2-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      // not POSIX (Windows): the user's temp folder is private to the user already
      return Files.createTempDirectory("modelfetch-aria2-");
    }
  }

  private static Path privateFile(Path file) throws IOException {
    try {
      return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return Files.createFile(file);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", path, e.getMessage());
    }
  }
}
