package io.modelfetch.civitai;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Which file of a model version to download: an exact file id, or metadata the file must have
 * (the selectors of CivitAI's own download URLs). Each field is {@code null} when not given.
 *
 * <p>Rules, the server's own: a file id picks exactly that file and the other selectors are
 * ignored; otherwise every given selector must match (case-insensitively), and among the files
 * that match the primary one wins, else the first of type {@code Model}, else the first listed.
 * With no selector at all that is the version's primary file.
 */
record FileChoice(Long fileId, String type, String format, String size, String fp, String quantType) {
  static final FileChoice ANY = new FileChoice(null, null, null, null, null, null);

  /** Format spellings users write (the AIR suffix is a file extension) mapped to CivitAI's enum. */
  private static final Map<String, String> FORMAT_ALIASES = Map.of(
      "safetensor", "SafeTensor", "safetensors", "SafeTensor", "pickletensor", "PickleTensor",
      "ckpt", "PickleTensor", "pt", "PickleTensor", "gguf", "GGUF", "onnx", "ONNX", "diffusers", "Diffusers",
      "coreml", "Core ML");

  FileChoice {
    format = format == null ? null : FORMAT_ALIASES.getOrDefault(format.toLowerCase(Locale.ROOT), format);
  }

  /** This choice with every selector {@code overrides} sets replacing this one's. */
  FileChoice overriddenBy(FileChoice overrides) {
    return new FileChoice(
        overrides.fileId != null ? overrides.fileId : fileId,
        overrides.type != null ? overrides.type : type,
        overrides.format != null ? overrides.format : format,
        overrides.size != null ? overrides.size : size,
        overrides.fp != null ? overrides.fp : fp,
        overrides.quantType != null ? overrides.quantType : quantType);
  }

  /**
   * The file of {@code version} this choice picks.
   *
   * @throws DownloadException {@code NOT_FOUND} naming the version's files when none fits
   */
  FileEntry choose(VersionJson version) throws DownloadException {
    List<FileEntry> files = version.files();
    if (fileId != null) {
      Optional<FileEntry> exact = files.stream().filter(f -> f.id() == fileId).findFirst();
      if (exact.isPresent()) {
        return exact.get();
      }
      throw noMatch(version, "has no file with id " + fileId);
    }
    List<FileEntry> matching = new ArrayList<>();
    for (FileEntry f : files) {
      if (matches(type, f.type()) && matches(format, f.format()) && matches(size, f.size())
          && matches(fp, f.fp()) && matches(quantType, f.quantType())) {
        matching.add(f);
      }
    }
    if (matching.isEmpty()) {
      throw noMatch(version, files.isEmpty() ? "has no files" : "has no file with " + this);
    }
    return matching.stream().filter(FileEntry::primary).findFirst()
        .or(() -> matching.stream().filter(f -> "Model".equalsIgnoreCase(f.type())).findFirst())
        .orElse(matching.get(0));
  }

  private static boolean matches(String wanted, String actual) {
    return wanted == null || wanted.equalsIgnoreCase(Objects.requireNonNullElse(actual, ""));
  }

  private static DownloadException noMatch(VersionJson version, String what) {
    StringJoiner listing = new StringJoiner("; ");
    version.files().forEach(f -> listing.add(f.describe()));
    return new DownloadException(Kind.NOT_FOUND, "CivitAI model version " + version.id() + " " + what
        + (version.files().isEmpty() ? "" : "; its files: " + listing
            + "; pick one with the option civitai.fileId=ID (or ?fileId=ID in the URL)"));
  }

  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ");
    if (fileId != null) {
      s.add("fileId=" + fileId);
    }
    add(s, "type", type);
    add(s, "format", format);
    add(s, "size", size);
    add(s, "fp", fp);
    add(s, "quantType", quantType);
    return s.toString();
  }

  private static void add(StringJoiner s, String name, String value) {
    if (value != null) {
      s.add(name + "=" + value);
    }
  }
}
