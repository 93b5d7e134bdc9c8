package io.modelfetch.civitai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Model-version JSON in the documented shape (research A2): the two real examples as resources,
 * and small versions built to order for the file-choice rules and the end-to-end tests.
 */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {
  }

  /** A resource under {@code /civitai/}, parsed. */
  static ObjectNode resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/civitai/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A published version with no files or images yet. */
  static ObjectNode version(long id, long modelId, String modelName, String modelType, String baseModel) {
    ObjectNode v = JSON.createObjectNode();
    v.put("id", id);
    v.put("modelId", modelId);
    v.put("name", "v1.0");
    v.put("status", "Published");
    v.put("baseModel", baseModel);
    v.putArray("trainedWords");
    v.put("description", "<p>version notes</p>");
    v.put("air", "urn:air:sdxl:" + modelType.toLowerCase(Locale.ROOT) + ":civitai:" + modelId + "@" + id);
    ObjectNode model = v.putObject("model");
    model.put("name", modelName);
    model.put("type", modelType);
    model.put("nsfw", false);
    model.put("poi", false);
    v.putArray("files");
    v.putArray("images");
    v.put("downloadUrl", "https://civitai.com/api/download/models/" + id);
    return v;
  }

  /** Adds a file; {@code sha256} may be null (not computed yet), as may {@code format} and {@code fp}. */
  static ObjectNode addFile(ObjectNode version, long id, String name, String type, String format, String fp,
      boolean primary, String sha256) {
    ObjectNode f = version.withArray("files").addObject();
    f.put("id", id);
    f.put("sizeKB", 1.5);
    f.put("name", name);
    f.put("type", type);
    ObjectNode meta = f.putObject("metadata");
    meta.put("format", format);
    meta.putNull("size");
    meta.put("fp", fp);
    ObjectNode hashes = f.putObject("hashes");
    if (sha256 != null) {
      hashes.put("SHA256", sha256.toUpperCase(Locale.ROOT));
      hashes.put("AutoV2", sha256.substring(0, 10).toUpperCase(Locale.ROOT));
    }
    f.put("primary", primary);
    f.put("downloadUrl", "https://civitai.com/api/download/models/" + version.path("id").asLong());
    return f;
  }

  static void addImage(ObjectNode version, String url, String type) {
    ObjectNode image = version.withArray("images").addObject();
    image.put("url", url);
    image.put("nsfwLevel", 1);
    image.put("type", type);
    image.put("width", 512);
    image.put("height", 768);
  }

  static String text(ObjectNode json) {
    try {
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
