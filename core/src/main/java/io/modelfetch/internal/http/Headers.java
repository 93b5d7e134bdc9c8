package io.modelfetch.internal.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Response header fields in arrival order; names compared case-insensitively. */
final class Headers {
  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  void add(String name, String value) {
    names.add(name);
    values.add(value);
  }

  /** The last value of the field, if present. */
  public Optional<String> get(String name) {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return Optional.of(values.get(i));
      }
    }
    return Optional.empty();
  }

  /** Every value of the field, in order. */
  public List<String> all(String name) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        out.add(values.get(i));
      }
    }
    return out;
  }

  /** Whether a comma-separated field (Connection, Transfer-Encoding) contains a token. */
  public boolean hasToken(String name, String token) {
    for (String value : all(name)) {
      for (String part : value.split(",")) {
        if (part.strip().toLowerCase(Locale.ROOT).equals(token)) {
          return true;
        }
      }
    }
    return false;
  }

  public int size() {
    return names.size();
  }

  public String name(int i) {
    return names.get(i);
  }

  public String value(int i) {
    return values.get(i);
  }
}
