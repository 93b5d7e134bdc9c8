package io.modelfetch.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models root and its fixed subfolders. A request names a folder from {@link #NAMES}; it never
 * passes a path, so nothing it sends can point outside the root.
 */
final class ModelFolders {
  /** The folders a download may go to, as model servers (A1111, ComfyUI) arrange them. */
  static final List<String> NAMES = List.of("checkpoints", "loras", "vae", "embeddings", "hf");
  private static final List<String> WORK_FILES = List.of(".part", ".part.state", ".part.lock", ".aria2", ".tmp");
  private static final List<String> PREVIEWS = List.of(".preview.png", ".preview.jpg", ".preview.jpeg",
      ".preview.webp", ".preview.gif");
  private static final String INFO = ".civitai.info";

  private final Path root;

  ModelFolders(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /** Creates the root and its subfolders. */
  void create() throws IOException {
    for (String name : NAMES) {
      Files.createDirectories(root.resolve(name));
    }
  }

  /** The folder with this name, or empty when it is not one of {@link #NAMES}. */
  Optional<Path> folder(String name) {
    return NAMES.contains(name) ? Optional.of(root.resolve(name)) : Optional.empty();
  }

  /** Every finished model file under the folders, with what its sidecars say. */
  List<Map<String, Object>> installed() {
    List<Map<String, Object>> models = new ArrayList<>();
    for (String name : NAMES) {
      Path folder = root.resolve(name);
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(folder, 6)) {
        files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && isModel(p))
            .sorted()
            .forEach(p -> models.add(describe(name, folder, p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return models;
  }

  /** The preview image beside a model file in a folder, if the model is there and has one. */
  Optional<Path> preview(String folderName, String file) {
    Optional<Path> folder = folder(folderName);
    if (folder.isEmpty() || file == null || file.isBlank()) {
      return Optional.empty();
    }
    Path model = folder.get().resolve(file).normalize();
    if (!model.startsWith(folder.get()) || !Files.isRegularFile(model, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return previewOf(model);
  }

  private Map<String, Object> describe(String folderName, Path folder, Path file) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("folder", folderName);
    m.put("file", folder.relativize(file).toString().replace('\\', '/'));
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      m.put("size", a.size());
      m.put("modified", a.lastModifiedTime().toInstant().toString());
    } catch (IOException e) {
      m.put("size", -1);
    }
    Path info = sibling(file, INFO);
    if (Files.isRegularFile(info, LinkOption.NOFOLLOW_LINKS)) {
      m.put("info", SidecarInfo.read(info));
    }
    m.put("preview", previewOf(file).isPresent());
    return m;
  }

  private static Optional<Path> previewOf(Path model) {
    return PREVIEWS.stream().map(suffix -> sibling(model, suffix))
        .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).findFirst();
  }

  /** {@code NAME.civitai.info} for {@code NAME.safetensors}: sidecars replace the model's extension. */
  private static Path sibling(Path model, String suffix) {
    String name = model.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
  }

  private static boolean isModel(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return WORK_FILES.stream().noneMatch(name::endsWith) && PREVIEWS.stream().noneMatch(name::endsWith)
        && !name.endsWith(INFO) && !name.startsWith(".");
  }
}
