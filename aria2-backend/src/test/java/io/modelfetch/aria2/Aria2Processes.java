package io.modelfetch.aria2;

import java.util.List;

/** The aria2c processes this JVM started (the tests run one at a time, so they are the backend's daemons). */
final class Aria2Processes {
  private Aria2Processes() {
  }

  static List<ProcessHandle> children() {
    return children(ProcessHandle.current());
  }

  static List<ProcessHandle> children(ProcessHandle parent) {
    return parent.descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/aria2c") || c.endsWith("\\aria2c.exe")).orElse(false))
        .toList();
  }
}
