package io.modelfetch.internal;

import java.util.Locale;

/**
 * Byte counts for people: {@code 6.5 GiB}. Public for the command line, so that its progress line
 * speaks in the same units as the engine's messages; like all of {@code io.modelfetch.internal},
 * it is not API.
 */
public final class Sizes {
  private Sizes() {
  }

  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }
}
