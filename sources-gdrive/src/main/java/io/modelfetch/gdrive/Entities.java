package io.modelfetch.gdrive;

import java.util.Map;

/**
 * Decodes HTML character references: the few named ones Drive's pages use ({@code &amp;} in
 * links and form values above all) and every numeric one. An unknown or malformed reference is
 * kept as written, as browsers do.
 */
final class Entities {
  private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
      "apos", "'", "nbsp", "\u00a0");
  private static final int LONGEST = 10;

  private Entities() {
  }

  static String decode(String s) {
    int amp = s.indexOf('&');
    if (amp < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (amp >= 0) {
      out.append(s, i, amp);
      int semi = s.indexOf(';', amp + 1);
      String decoded = semi < 0 || semi - amp > LONGEST ? null : reference(s.substring(amp + 1, semi));
      if (decoded == null) {
        out.append('&');
        i = amp + 1;
      } else {
        out.append(decoded);
        i = semi + 1;
      }
      amp = s.indexOf('&', i);
    }
    return out.append(s, i, s.length()).toString();
  }

  private static String reference(String name) {
    if (name.startsWith("#")) {
      try {
        boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
        int code = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
        return Character.isValidCodePoint(code) && code != 0 ? new String(Character.toChars(code)) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return NAMED.get(name);
  }
}
