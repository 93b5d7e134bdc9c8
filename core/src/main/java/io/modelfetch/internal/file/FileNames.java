package io.modelfetch.internal.file;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns names that came from a server (Content-Disposition, URL paths, repository listings) into
 * names that are safe on every common file system and can never leave the chosen folder: no
 * separators, no {@code ..}, no control characters, no Windows-reserved names or characters, no
 * trailing dots or spaces, no name that looks like one of the library's own working files
 * ({@code NAME.part}, {@code NAME.part.lock}, ...), and short enough that the longest working-file
 * suffix still fits in the file system's 255 bytes.
 *
 * <p>A single name from a server ({@code Content-Disposition}, a URL's last segment, a source's
 * file name) that starts with a dot gets a {@code _} prefix, so a server cannot plant
 * {@code .bashrc} or {@code .profile} in the folder. Paths inside a repository keep their dot-files
 * ({@code .gitattributes}): mirroring a repository means writing what it holds.
 */
public final class FileNames {
  /**
   * The longest suffix appended to a name in the same folder: aria2c's control file being saved,
   * {@code NAME.part.aria2__temp} (the jdk backend's longest is {@code .part.state.tmp}).
   */
  public static final int LONGEST_SUFFIX_BYTES = ".part.aria2__temp".length();
  /** Names are cut to this many UTF-8 bytes, so that every working file beside them fits in 255. */
  public static final int MAX_BYTES = 255 - LONGEST_SUFFIX_BYTES;
  /** Endings of the library's own working files; a server-given name never ends like one. */
  private static final List<String> WORKING_SUFFIXES = List.of(".part", ".lock", ".state", ".tmp", ".aria2", ".key", ".pid", ".modelfetch");
  private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul",
      "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
      "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

  private FileNames() {
  }

  /** A safe single file name from an untrusted one; empty when nothing usable is left. */
  public static Optional<String> sanitize(String untrusted) {
    return sanitize(untrusted, false);
  }

  private static Optional<String> sanitize(String untrusted, boolean keepDotFile) {
    if (untrusted == null) {
      return Optional.empty();
    }
    String name = untrusted;
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    if (slash >= 0) {
      name = name.substring(slash + 1);
    }
    StringBuilder sb = new StringBuilder(name.length());
    name.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x200e || cp == 0x200f
          || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
        return; // control and bidi-override characters: invisible, and used to disguise extensions
      }
      if ("<>:\"|?*".indexOf(cp) >= 0) {
        sb.append('_');
      } else {
        sb.appendCodePoint(cp);
      }
    });
    // two bytes short of the limit: room for the '_' marks added below
    name = truncate(sb.toString().strip(), MAX_BYTES - 2);
    while (name.endsWith(".") || name.endsWith(" ")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty() || name.chars().allMatch(c -> c == '.')) {
      return Optional.empty();
    }
    String stem = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    if (WINDOWS_RESERVED.contains(stem.toLowerCase(Locale.ROOT).strip()) || (name.startsWith(".") && !keepDotFile)) {
      name = "_" + name;
    }
    if (looksLikeWorkingFile(name)) {
      name = name + "_";
    }
    return Optional.of(name);
  }

  /** Whether a name ends like one of the library's working files ({@code x.part}, {@code x.lock}, ...). */
  static boolean looksLikeWorkingFile(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return WORKING_SUFFIXES.stream().anyMatch(lower::endsWith);
  }

  /**
   * A safe relative path from an untrusted one with {@code /} separators (a file inside a
   * repository): each segment sanitised, {@code .} and {@code ..} segments dropped.
   */
  public static Optional<Path> sanitizeRelative(String untrusted) {
    if (untrusted == null) {
      return Optional.empty();
    }
    List<String> segments = new ArrayList<>();
    for (String raw : untrusted.split("[/\\\\]")) {
      if (raw.isEmpty() || raw.equals(".") || raw.equals("..")) {
        continue;
      }
      sanitize(raw, true).ifPresent(segments::add);
    }
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Path.of(segments.get(0), segments.subList(1, segments.size()).toArray(String[]::new)));
  }

  /** The last path segment of a URL, percent-decoded; empty for a URL ending in {@code /}. */
  public static Optional<String> fromUrl(URI uri) {
    String path = uri.getPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return Optional.empty();
    }
    return sanitize(path.substring(path.lastIndexOf('/') + 1));
  }

  /**
   * Resolves a sanitised relative path inside {@code directory} and checks the result is really
   * inside it (defence in depth: sanitising already removed every way out).
   */
  public static Path inside(Path directory, Path relative) {
    Path base = directory.toAbsolutePath().normalize();
    Path resolved = base.resolve(relative).normalize();
    if (!resolved.startsWith(base) || resolved.equals(base)) {
      throw new IllegalArgumentException("refusing a file name that leaves the folder " + base + ": " + relative);
    }
    return resolved;
  }

  /** The name without its last extension: {@code model.safetensors} -> {@code model}. */
  public static String baseName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  /** Cuts a name to {@code max} UTF-8 bytes, keeping a short extension and whole characters. */
  private static String truncate(String name, int max) {
    if (name.getBytes(StandardCharsets.UTF_8).length <= max) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String ext = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
    String stem = ext.isEmpty() ? name : name.substring(0, dot);
    int budget = max - ext.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder sb = new StringBuilder();
    int used = 0;
    for (int i = 0; i < stem.length(); ) {
      int cp = stem.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + len > budget) {
        break;
      }
      sb.appendCodePoint(cp);
      used += len;
      i += Character.charCount(cp);
    }
    return sb + ext;
  }
}
