package io.modelfetch.huggingface;

import java.util.regex.Pattern;

/**
 * A shell-style pattern compiled the way Python's {@code fnmatch.translate} does it, which is what
 * huggingface_hub's {@code allow_patterns}/{@code ignore_patterns} use: {@code *} matches anything
 * including {@code /}, {@code ?} one character, {@code [seq]} and {@code [!seq]} a character class;
 * matching is case-sensitive and covers the whole path.
 */
final class FnMatch {
  private final String glob;
  private final Pattern regex;

  private FnMatch(String glob, Pattern regex) {
    this.glob = glob;
    this.regex = regex;
  }

  static FnMatch compile(String glob) {
    StringBuilder re = new StringBuilder();
    int n = glob.length();
    for (int i = 0; i < n; ) {
      char c = glob.charAt(i++);
      if (c == '*') {
        while (i < n && glob.charAt(i) == '*') {
          i++;
        }
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[') {
        int j = i;
        if (j < n && glob.charAt(j) == '!') {
          j++;
        }
        if (j < n && glob.charAt(j) == ']') {
          j++;
        }
        while (j < n && glob.charAt(j) != ']') {
          j++;
        }
        if (j >= n) {
          re.append("\\[");
        } else {
          re.append(characterClass(glob.substring(i, j)));
          i = j + 1;
        }
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new FnMatch(glob, Pattern.compile(re.toString(), Pattern.DOTALL));
  }

  boolean matches(String path) {
    return regex.matcher(path).matches();
  }

  /** {@code [!a-z]} -> {@code [^a-z]}; every other character literal, {@code -} kept for ranges. */
  private static String characterClass(String body) {
    StringBuilder sb = new StringBuilder("[");
    int start = 0;
    if (body.startsWith("!")) {
      sb.append('^');
      start = 1;
    }
    for (int k = start; k < body.length(); k++) {
      char c = body.charAt(k);
      if (Character.isLetterOrDigit(c) || c == '-' && k > start && k < body.length() - 1) {
        sb.append(c);
      } else {
        sb.append('\\').append(c);
      }
    }
    return sb.append(']').toString();
  }

  @Override
  public String toString() {
    return glob;
  }
}
