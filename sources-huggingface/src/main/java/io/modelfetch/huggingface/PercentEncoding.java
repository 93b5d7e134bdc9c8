package io.modelfetch.huggingface;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding exactly as Python's {@code urllib.parse.quote}, which huggingface_hub uses to
 * build its URLs: letters, digits and {@code _.-~} stay, everything else is UTF-8 percent-encoded,
 * and {@code /} stays only when asked (file paths keep it, revisions such as {@code refs/pr/1} do not).
 */
final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {
  }

  /** {@code quote(s, safe="/")}: for a file path inside a repository. */
  static String path(String s) {
    return quote(s, true);
  }

  /** {@code quote(s, safe="")}: for a revision, so {@code refs/pr/1} becomes {@code refs%2Fpr%2F1}. */
  static String segment(String s) {
    return quote(s, false);
  }

  /** Decodes {@code %XX} sequences as UTF-8; a {@code %} not followed by two hex digits is kept as it is. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
        out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String quote(String s, boolean keepSlash) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '_' || c == '.' || c == '-' || c == '~' || keepSlash && c == '/';
      if (unreserved) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  private static int hex(byte b) {
    return Character.digit(b, 16);
  }
}
