package io.modelfetch.gdrive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the tags of an HTML page in document order: enough to find Drive's confirmation form,
 * its hidden inputs, links, the title and error captions, without a DOM or a dependency. One
 * linear pass; comments, doctypes and the insides of {@code <script>} and {@code <style>} are
 * skipped (a commented-out input must not be submitted). Attribute names are lower-cased and
 * values entity-decoded; a malformed tag ends the scan rather than guessing.
 */
final class HtmlTags {
  private HtmlTags() {
  }

  /**
   * One start or end tag.
   *
   * @param name the lower-case element name
   * @param closing whether this is {@code </name>}
   * @param attributes decoded attribute values by lower-case name, in document order (the first of duplicates wins)
   * @param start where the tag's {@code <} is in the page
   * @param end just after the tag's {@code >}
   */
  record Tag(String name, boolean closing, Map<String, String> attributes, int start, int end) {
    /** The attribute's value, {@code ""} for an attribute without one, {@code null} when absent. */
    String attribute(String attributeName) {
      return attributes.get(attributeName);
    }

    boolean is(String elementName) {
      return !closing && name.equals(elementName);
    }

    boolean closes(String elementName) {
      return closing && name.equals(elementName);
    }
  }

  static List<Tag> read(String html) {
    List<Tag> tags = new ArrayList<>();
    int i = 0;
    int n = html.length();
    while (true) {
      int lt = html.indexOf('<', i);
      if (lt < 0 || lt + 1 >= n) {
        return tags;
      }
      if (html.startsWith("<!--", lt)) {
        int close = html.indexOf("-->", lt + 4);
        i = close < 0 ? n : close + 3;
        continue;
      }
      char c = html.charAt(lt + 1);
      if (c == '!' || c == '?') {
        int close = html.indexOf('>', lt);
        i = close < 0 ? n : close + 1;
        continue;
      }
      boolean closing = c == '/';
      int p = closing ? lt + 2 : lt + 1;
      int nameEnd = p;
      while (nameEnd < n && (Character.isLetterOrDigit(html.charAt(nameEnd)) || html.charAt(nameEnd) == '-')) {
        nameEnd++;
      }
      if (nameEnd == p || !Character.isLetter(html.charAt(p))) {
        i = lt + 1;
        continue;
      }
      String name = html.substring(p, nameEnd).toLowerCase(Locale.ROOT);
      Map<String, String> attributes = new LinkedHashMap<>();
      int end = attributes(html, nameEnd, attributes);
      if (end < 0) {
        return tags;
      }
      tags.add(new Tag(name, closing, Collections.unmodifiableMap(attributes), lt, end));
      i = end;
      if (!closing && (name.equals("script") || name.equals("style"))) {
        int close = indexOfIgnoreCase(html, "</" + name, end);
        i = close < 0 ? n : close;
      }
    }
  }

  /** The text between two offsets with tags removed, entities decoded and white space collapsed. */
  static String text(String html, int from, int to) {
    String inner = html.substring(from, Math.max(from, to)).replaceAll("(?s)<!--.*?-->", " ").replaceAll("<[^>]*>", " ");
    return Entities.decode(inner).replace('\u00a0', ' ').replaceAll("\\s+", " ").strip();
  }

  /** Parses attributes from {@code from} up to the tag's end; returns the index after {@code >}, or -1 if there is none. */
  private static int attributes(String html, int from, Map<String, String> out) {
    int n = html.length();
    int i = from;
    while (i < n) {
      char c = html.charAt(i);
      if (c == '>') {
        return i + 1;
      }
      if (Character.isWhitespace(c) || c == '/') {
        i++;
        continue;
      }
      int nameStart = i;
      while (i < n && !Character.isWhitespace(html.charAt(i)) && "=>/".indexOf(html.charAt(i)) < 0) {
        i++;
      }
      String name = html.substring(nameStart, i).toLowerCase(Locale.ROOT);
      while (i < n && Character.isWhitespace(html.charAt(i))) {
        i++;
      }
      String value = "";
      if (i < n && html.charAt(i) == '=') {
        i++;
        while (i < n && Character.isWhitespace(html.charAt(i))) {
          i++;
        }
        if (i < n && (html.charAt(i) == '"' || html.charAt(i) == '\'')) {
          int close = html.indexOf(html.charAt(i), i + 1);
          if (close < 0) {
            return -1;
          }
          value = html.substring(i + 1, close);
          i = close + 1;
        } else {
          int valueStart = i;
          while (i < n && !Character.isWhitespace(html.charAt(i)) && html.charAt(i) != '>') {
            i++;
          }
          value = html.substring(valueStart, i);
        }
      }
      out.putIfAbsent(name, Entities.decode(value));
    }
    return -1;
  }

  private static int indexOfIgnoreCase(String html, String needle, int from) {
    for (int i = from; i + needle.length() <= html.length(); i++) {
      if (html.regionMatches(true, i, needle, 0, needle.length())) {
        return i;
      }
    }
    return -1;
  }
}
