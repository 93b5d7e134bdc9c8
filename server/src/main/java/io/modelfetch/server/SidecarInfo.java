package io.modelfetch.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few facts of a {@code NAME.civitai.info} sidecar (CivitAI's model-version JSON) that a model list shows. */
final class SidecarInfo {
  private static final long MAX_BYTES = 4 * 1024 * 1024;

  private SidecarInfo() {
  }

  static Map<String, Object> read(Path info) {
    Map<String, Object> m = new LinkedHashMap<>();
    try {
      if (Files.size(info) > MAX_BYTES) {
        return m;
      }
      JsonNode v = Json.MAPPER.readTree(info.toFile());
      put(m, "model", v.path("model").path("name"));
      put(m, "version", v.path("name"));
      put(m, "type", v.path("model").path("type"));
      put(m, "baseModel", v.path("baseModel"));
      List<String> words = new ArrayList<>();
      v.path("trainedWords").forEach(w -> words.add(w.asText()));
      if (!words.isEmpty()) {
        m.put("trainedWords", words);
      }
      if (v.path("modelId").canConvertToLong()) {
        m.put("page", "https://civitai.com/models/" + v.path("modelId").asLong() + "?modelVersionId=" + v.path("id").asLong());
      }
    } catch (IOException e) {
      m.put("unreadable", true);
    }
    return m;
  }

  private static void put(Map<String, Object> m, String key, JsonNode value) {
    if (value.isTextual() && !value.asText().isBlank()) {
      m.put(key, value.asText());
    }
  }
}
