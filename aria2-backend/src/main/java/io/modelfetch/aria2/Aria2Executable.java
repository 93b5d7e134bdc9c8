package io.modelfetch.aria2;

import io.modelfetch.spi.BackendContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@code aria2c} to run: the one named by the backend option {@code aria2.path}, else
 * the first on {@code PATH}; usable only if it answers {@code --version} like aria2 does. Each
 * executable is asked once and the answer remembered, since the engine asks before every file.
 */
final class Aria2Executable {
  static final String PATH_OPTION = "aria2.path";
  private static final Logger LOG = LoggerFactory.getLogger(Aria2Executable.class);
  private static final long VERSION_TIMEOUT_SECONDS = 10;
  private static final int MAX_VERSION_OUTPUT = 64 * 1024;

  private final Map<Path, Boolean> answers = new ConcurrentHashMap<>();

  /** The usable executable, if there is one. */
  Optional<Path> find(BackendContext context) {
    Optional<Path> candidate = context.option(PATH_OPTION).map(Aria2Executable::path)
        .or(() -> context.env("PATH").flatMap(Aria2Executable::onPath));
    if (candidate.isEmpty()) {
      LOG.debug("no aria2c found: set the backend option {} or put aria2c on PATH", PATH_OPTION);
    }
    return candidate.filter(this::works);
  }

  private boolean works(Path executable) {
    Boolean known = answers.get(executable);
    if (known == null) {
      known = answersVersion(executable);
      if (!Thread.currentThread().isInterrupted()) {
        answers.put(executable, known);
      }
    }
    return known;
  }

  private static Path path(String value) {
    return Path.of(value).toAbsolutePath().normalize();
  }

  private static Optional<Path> onPath(String path) {
    String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "aria2c.exe" : "aria2c";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      try {
        Path p = Path.of(dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p.toAbsolutePath().normalize());
        }
      } catch (InvalidPathException e) {
        LOG.debug("ignoring PATH entry {}: {}", dir, e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static boolean answersVersion(Path executable) {
    Process process = null;
    try {
      process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      // the answer is about 1 KiB and fits the pipe, so waiting before reading cannot block the process
      if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("{} --version did not finish within {} s; the aria2 backend is not used", executable,
            VERSION_TIMEOUT_SECONDS);
        return false;
      }
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readNBytes(MAX_VERSION_OUTPUT), StandardCharsets.UTF_8);
      }
      if (process.exitValue() != 0 || !output.startsWith("aria2 version")) {
        LOG.warn("{} --version answered with exit code {} and not like aria2c; the aria2 backend is not used",
            executable, process.exitValue());
        return false;
      }
      LOG.debug("using {} ({})", executable, output.lines().findFirst().orElse(""));
      return true;
    } catch (IOException e) {
      LOG.warn("cannot run {} --version: {}; the aria2 backend is not used", executable, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (process != null) {
        process.destroyForcibly();
      }
    }
  }
}
