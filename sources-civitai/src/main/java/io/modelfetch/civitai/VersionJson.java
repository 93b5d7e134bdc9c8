package io.modelfetch.civitai;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfetch.Metadata;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A model version as {@code /api/v1/model-versions/{id}} and {@code .../by-hash/{hash}} return it,
 * kept whole (it is written verbatim into {@code .civitai.info}) with typed accessors for what
 * the resolver needs. Missing fields read as {@code null}/empty.
 */
final class VersionJson {
  private final JsonNode json;

  VersionJson(JsonNode json) {
    this.json = json;
  }

  JsonNode json() {
    return json;
  }

  long id() {
    return json.path("id").asLong(-1);
  }

  long modelId() {
    return json.path("modelId").asLong(-1);
  }

  String name() {
    return json.path("name").textValue();
  }

  /** The version's description (HTML), or {@code null}. */
  String description() {
    return json.path("description").textValue();
  }

  String baseModel() {
    return json.path("baseModel").textValue();
  }

  List<String> trainedWords() {
    List<String> words = new ArrayList<>();
    json.path("trainedWords").forEach(w -> {
      if (w.isTextual() && !w.textValue().isBlank()) {
        words.add(w.textValue().strip());
      }
    });
    return words;
  }

  String modelName() {
    return json.path("model").path("name").textValue();
  }

  /** {@code Checkpoint}, {@code LORA}, {@code TextualInversion}... */
  String modelType() {
    return json.path("model").path("type").textValue();
  }

  Boolean nsfw() {
    JsonNode n = json.path("model").path("nsfw");
    return n.isBoolean() ? n.booleanValue() : null;
  }

  String air() {
    return json.path("air").textValue();
  }

  /** {@code Archived} or {@code TakenDown} when moderated (the files are then dropped), else {@code null}. */
  String moderation() {
    return json.path("model").path("mode").textValue();
  }

  List<FileEntry> files() {
    List<FileEntry> files = new ArrayList<>();
    json.path("files").forEach(f -> files.add(new FileEntry(f)));
    return files;
  }

  /**
   * The first still image (videos are skipped, as Civitai Helper does), whose URL is absolute
   * http(s).
   */
  Optional<URI> previewImage() {
    return previewImage(false);
  }

  /**
   * The first still image with a usable URL.
   *
   * @param safeOnly whether only images CivitAI rates PG or PG-13 count ({@code nsfwLevel} 1 or 2,
   *     or in older answers {@code nsfw} false, {@code "None"} or {@code "Soft"}); an unrated image does not
   */
  Optional<URI> previewImage(boolean safeOnly) {
    for (JsonNode image : json.path("images")) {
      String type = image.path("type").asText("image");
      String url = image.path("url").textValue();
      if (!type.equalsIgnoreCase("image") || url == null || safeOnly && !isSafe(image)) {
        continue;
      }
      try {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
          return Optional.of(uri);
        }
      } catch (IllegalArgumentException ignored) {
        // a malformed URL is simply not a usable preview
      }
    }
    return Optional.empty();
  }

  /** CivitAI's {@code NsfwLevel} flags: PG = 1, PG13 = 2, R = 4, X = 8, XXX = 16, Blocked = 32. */
  private static boolean isSafe(JsonNode image) {
    JsonNode level = image.path("nsfwLevel");
    if (level.canConvertToInt()) {
      int flags = level.asInt();
      return flags > 0 && (flags & ~3) == 0;
    }
    JsonNode legacy = image.path("nsfw");
    if (legacy.isBoolean()) {
      return !legacy.asBoolean();
    }
    return legacy.isTextual() && (legacy.asText().equalsIgnoreCase("None") || legacy.asText().equalsIgnoreCase("Soft"));
  }

  /**
   * What the download result tells about the model. Attributes: {@code civitai.modelId},
   * {@code civitai.versionId}, {@code civitai.fileId}, {@code civitai.fileType}, {@code civitai.size}
   * ({@code pruned}/{@code full}), {@code civitai.quantType}, {@code civitai.sizeKB}, {@code civitai.air},
   * {@code civitai.sha256}, each when known.
   */
  Metadata metadata(FileEntry file, String pageUrl) {
    Metadata.Builder m = Metadata.builder()
        .source("civitai")
        .pageUrl(pageUrl)
        .modelName(modelName())
        .versionName(name())
        .modelType(modelType())
        .baseModel(baseModel())
        .trainedWords(trainedWords())
        .nsfw(nsfw())
        .format(file.format())
        .precision(file.fp())
        .autoV2(file.autoV2().orElse(null))
        .attribute("civitai.modelId", modelId() >= 0 ? Long.toString(modelId()) : null)
        .attribute("civitai.versionId", Long.toString(id()))
        .attribute("civitai.fileId", Long.toString(file.id()))
        .attribute("civitai.fileType", file.type())
        .attribute("civitai.size", file.size())
        .attribute("civitai.quantType", file.quantType())
        .attribute("civitai.sizeKB", file.sizeKB().map(String::valueOf).orElse(null))
        .attribute("civitai.air", air())
        .attribute("civitai.sha256", file.sha256().orElse(null))
        // the first image CivitAI rates PG/PG-13, for a UI to show before downloading
        .attribute("civitai.previewUrl", previewImage(true).map(URI::toString).orElse(null));
    return m.build();
  }
}
