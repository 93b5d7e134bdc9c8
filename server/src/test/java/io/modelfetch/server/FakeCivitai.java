package io.modelfetch.server;

import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.Resource;
import io.modelfetch.testing.TestData;

/**
 * CivitAI's API on a {@link FakeOrigin}: one model version (a LoRA with a preview image and
 * trigger words) whose download endpoint redirects to the same origin under another host name,
 * as CivitAI's redirects to its storage.
 */
final class FakeCivitai {
  static final long VERSION = 77;
  static final String PAGE_URL = "https://civitai.com/models/7/toon-style?modelVersionId=" + VERSION;

  private FakeCivitai() {
  }

  /** Serves the version and returns the model file's resource (to throttle it). */
  static Resource serve(FakeOrigin origin, byte[] model, byte[] previewPng) {
    origin.file("/img/toon-preview.png", previewPng).contentType("image/png");
    String json = "{\"id\": " + VERSION + ", \"modelId\": 7, \"name\": \"v2.0\", \"baseModel\": \"SD 1.5\","
        + " \"trainedWords\": [\"toon style\", \"bold outlines\"],"
        + " \"model\": {\"name\": \"Toon Style\", \"type\": \"LORA\", \"nsfw\": false},"
        + " \"files\": [{\"id\": 1, \"name\": \"toonStyle_v20.safetensors\", \"sizeKB\": " + model.length / 1024.0 + ","
        + " \"type\": \"Model\", \"primary\": true, \"metadata\": {\"format\": \"SafeTensor\", \"fp\": \"fp16\"},"
        + " \"hashes\": {\"SHA256\": \"" + TestData.sha256(model).toUpperCase(java.util.Locale.ROOT) + "\"},"
        + " \"downloadUrl\": \"https://civitai.com/api/download/models/" + VERSION + "\"}],"
        + " \"images\": [{\"url\": \"" + origin.url("/img/toon-preview.png") + "\", \"nsfwLevel\": 1, \"type\": \"image\"}],"
        + " \"downloadUrl\": \"https://civitai.com/api/download/models/" + VERSION + "\"}";
    origin.page("/api/v1/model-versions/" + VERSION, 200, "application/json", json);
    origin.redirect("/api/download/models/" + VERSION, origin.urlOnOtherHost("/storage/toonStyle_v20.safetensors"), 307);
    return origin.file("/storage/toonStyle_v20.safetensors", model);
  }
}
