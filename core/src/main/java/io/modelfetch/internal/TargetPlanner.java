package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Secret;
import io.modelfetch.internal.file.FileNames;
import io.modelfetch.spi.RemoteFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where one file goes, and whether it may go there: names the target from the request, the
 * resolver or the server (sanitised, never outside the chosen folder), checks there is room for it,
 * and refuses a login or error page that a server sent instead of the file.
 */
final class TargetPlanner {
  private static final Set<String> MODEL_EXTENSIONS = Set.of("safetensors", "ckpt", "pt", "pth", "bin", "gguf",
      "onnx", "h5", "msgpack", "pkl", "pickle", "zip", "tar", "gz", "7z", "npz", "npy", "tflite", "mlmodel", "engine");

  private final DownloadTask task;
  private final RemoteFile file;

  TargetPlanner(DownloadTask task, RemoteFile file) {
    this.task = task;
    this.file = file;
  }

  /** The target when the request or the resolver names it; empty when the server must name it. */
  Optional<Path> targetWithoutProbe() throws DownloadException {
    DownloadRequest request = task.request();
    if (request.file().isPresent()) {
      return Optional.of(request.file().get().toAbsolutePath().normalize());
    }
    if (file.target().isPresent()) {
      return file.target();
    }
    Path dir = directory();
    if (file.relativePath().isPresent()) {
      Path rel = FileNames.sanitizeRelative(file.relativePath().get()).orElseThrow(() -> new DownloadException(
          Kind.UNEXPECTED_RESPONSE, "the source named a file with no usable path: '" + file.relativePath().get() + "'"));
      return Optional.of(inside(dir, rel));
    }
    if (file.fileName().isPresent()) {
      Optional<String> name = FileNames.sanitize(file.fileName().get());
      if (name.isPresent()) {
        return Optional.of(inside(dir, Path.of(name.get())));
      }
    }
    return Optional.empty();
  }

  /** The target the server's answer names: its Content-Disposition, else the last segment of a URL. */
  Path targetFromServer(Probe probe) {
    String name = Optional.ofNullable(probe.fileName()).flatMap(FileNames::sanitize)
        .or(() -> FileNames.fromUrl(probe.finalUrl()))
        .or(() -> FileNames.fromUrl(file.url()))
        .orElse("download");
    return directory().resolve(name).normalize();
  }

  /**
   * The folder below which every folder on the way to {@code target} is created by the library and
   * must therefore be a real folder, not a link: the chosen folder when the target is inside it,
   * else the target's own folder (an exact file, or a place a resolver chose).
   */
  Path baseFor(Path target) {
    Path dir = directory();
    return target.startsWith(dir) && !target.equals(dir) ? dir : target.getParent();
  }

  private Path directory() {
    return task.request().directory().orElse(Path.of("")).toAbsolutePath().normalize();
  }

  private static Path inside(Path dir, Path relative) throws DownloadException {
    try {
      return FileNames.inside(dir, relative);
    } catch (IllegalArgumentException e) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, e.getMessage());
    }
  }

  /** An HTML page (a login or error page) or a JSON/text body where a model file was expected is never saved. */
  static void checkContentType(Probe probe, Path target) throws DownloadException {
    String type = probe.contentType();
    if (type == null) {
      return;
    }
    String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    boolean html = type.equals("text/html") || type.equals("application/xhtml+xml");
    boolean textual = html || type.startsWith("text/") || type.equals("application/json")
        || type.equals("application/problem+json");
    if ((html && !ext.equals("html") && !ext.equals("htm")) || (textual && MODEL_EXTENSIONS.contains(ext))) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, Secret.redact(probe.finalUrl().toString())
          + " answered with a " + type + " page instead of the file " + target.getFileName()
          + "; this is usually a login or error page: check the URL, and whether the source needs a token");
    }
  }

  /**
   * Fails when the folder cannot take the {@code size - (bytes already in part)} still to come; a
   * file system that cannot say how much is free only gets a notice.
   */
  void checkFreeSpace(Path target, Path part, long size) throws DownloadException {
    if (size <= 0) {
      return;
    }
    try {
      long have = Files.isRegularFile(part) ? Math.min(Files.size(part), size) : 0;
      long needed = size - have;
      long available = Files.getFileStore(target.getParent()).getUsableSpace();
      if (needed > available) {
        throw new DownloadException(Kind.INSUFFICIENT_SPACE, "not enough space for " + target.getFileName()
            + ": needs " + Sizes.human(needed) + " more, " + Sizes.human(available) + " available in "
            + target.getParent() + "; free some space or choose another folder");
      }
    } catch (IOException e) {
      task.notice("could not check free space in " + target.getParent() + ": " + e.getMessage());
    }
  }
}
