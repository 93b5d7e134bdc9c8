package io.modelfetch.huggingface;

import java.util.ArrayList;
import java.util.List;

/**
 * Which files of a snapshot to take, as huggingface_hub's {@code filter_repo_objects} decides:
 * a file must match at least one include pattern (when there are any) and no exclude pattern.
 * Backslashes in patterns become {@code /}, and a pattern ending in {@code /} means everything
 * under that folder.
 */
final class PathFilter {
  private final List<FnMatch> include;
  private final List<FnMatch> exclude;

  private PathFilter(List<FnMatch> include, List<FnMatch> exclude) {
    this.include = include;
    this.exclude = exclude;
  }

  /** Patterns as option values give them: separated by commas, surrounding blanks ignored. */
  static PathFilter of(String include, String exclude) {
    return new PathFilter(compile(include), compile(exclude));
  }

  boolean accepts(String path) {
    if (!include.isEmpty() && include.stream().noneMatch(p -> p.matches(path))) {
      return false;
    }
    return exclude.stream().noneMatch(p -> p.matches(path));
  }

  boolean isEmpty() {
    return include.isEmpty() && exclude.isEmpty();
  }

  private static List<FnMatch> compile(String patterns) {
    List<FnMatch> out = new ArrayList<>();
    if (patterns == null) {
      return out;
    }
    for (String raw : patterns.split(",")) {
      String p = raw.strip().replace('\\', '/');
      if (!p.isEmpty()) {
        out.add(FnMatch.compile(p.endsWith("/") ? p + "*" : p));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return (include.isEmpty() ? "" : "include " + include) + (include.isEmpty() || exclude.isEmpty() ? "" : ", ")
        + (exclude.isEmpty() ? "" : "exclude " + exclude);
  }
}
