package io.modelfetch.internal.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes first-last/total} value. Every 206 the engine accepts must carry
 * one that equals the range it asked for, so bytes of another range can never be written at the
 * wrong offset.
 *
 * @param first first byte position, inclusive
 * @param last last byte position, inclusive
 * @param total the complete length, or -1 for {@code *}
 */
public record ContentRange(long first, long last, long total) {
  private static final Pattern FORM = Pattern.compile("bytes\\s+(\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)", Pattern.CASE_INSENSITIVE);

  /** Parses a satisfied range; empty when the value is absent or malformed. */
  public static Optional<ContentRange> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(value.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    if (last < first || (total >= 0 && last >= total)) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last, total));
  }

  public long length() {
    return last - first + 1;
  }
}
