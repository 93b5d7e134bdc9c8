package io.modelfetch.aria2;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The aria2c on PATH that these tests drive: in CI ({@code CI=true}) a missing one fails the tests, elsewhere it skips them. */
final class RealAria2c {
  private RealAria2c() {
  }

  static Path require() {
    Optional<Path> found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, "aria2c"))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
    if (found.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("aria2c is not on PATH, and CI must run the aria2 backend tests: install it (apt-get install aria2)");
      }
      Assumptions.abort("aria2c is not on PATH: install aria2 (apt-get install aria2) to run the aria2 backend tests");
    }
    return found.get();
  }
}
