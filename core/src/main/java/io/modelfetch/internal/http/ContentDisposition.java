package io.modelfetch.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The file name in a {@code Content-Disposition} header (RFC 6266): {@code filename*} (RFC 5987
 * {@code charset'lang'pct-encoded}) wins over {@code filename}. Servers often send raw UTF-8 in
 * {@code filename}; the header arrives as ISO-8859-1 chars, so such bytes are re-decoded as UTF-8
 * when they form valid UTF-8. The result is not sanitised: pass it through {@code FileNames}.
 *
 * <p>Public for the Google Drive source, which names a file from this header while resolving,
 * before the engine's probe. Like all of {@code io.modelfetch.internal}, it is not API.
 */
public final class ContentDisposition {
  private ContentDisposition() {
  }

  public static Optional<String> fileName(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String extended = null;
    String plain = null;
    int i = header.indexOf(';');
    while (i >= 0 && i < header.length()) {
      int eq = header.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = header.substring(i + 1, eq).strip().toLowerCase(Locale.ROOT);
      int pos = eq + 1;
      while (pos < header.length() && header.charAt(pos) == ' ') {
        pos++;
      }
      String value;
      int next;
      if (pos < header.length() && header.charAt(pos) == '"') {
        StringBuilder sb = new StringBuilder();
        int p = pos + 1;
        while (p < header.length() && header.charAt(p) != '"') {
          char c = header.charAt(p);
          if (c == '\\' && p + 1 < header.length()) {
            p++;
            c = header.charAt(p);
          }
          sb.append(c);
          p++;
        }
        value = sb.toString();
        next = header.indexOf(';', p);
      } else {
        next = header.indexOf(';', pos);
        value = (next < 0 ? header.substring(pos) : header.substring(pos, next)).strip();
      }
      if (name.equals("filename*")) {
        extended = decodeExtended(value);
      } else if (name.equals("filename")) {
        plain = fixRawUtf8(value);
      }
      i = next;
    }
    if (extended != null && !extended.isBlank()) {
      return Optional.of(extended);
    }
    return plain == null || plain.isBlank() ? Optional.empty() : Optional.of(plain);
  }

  /** {@code UTF-8''na%C3%AFve.txt} -> {@code naïve.txt}; null when malformed or of an unknown charset. */
  static String decodeExtended(String value) {
    int q1 = value.indexOf('\'');
    int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
    if (q2 < 0) {
      return null;
    }
    Charset charset;
    try {
      charset = Charset.forName(value.substring(0, q1).strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String encoded = value.substring(q2 + 1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()) {
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c == '%') {
        return null;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(charset);
  }

  private static String fixRawUtf8(String latin1) {
    boolean high = latin1.chars().anyMatch(c -> c >= 0x80);
    if (!high || latin1.chars().anyMatch(c -> c > 0xff)) {
      return latin1;
    }
    byte[] raw = latin1.getBytes(StandardCharsets.ISO_8859_1);
    String utf8 = new String(raw, StandardCharsets.UTF_8);
    return utf8.contains("\uFFFD") ? latin1 : utf8;
  }
}
